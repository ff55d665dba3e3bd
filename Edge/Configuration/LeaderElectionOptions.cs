namespace Edge.Configuration;

/// <summary>
/// leaderElection.*: Edge's own section (Traefik writes Ingress status from every replica). Off by
/// default so that a Traefik RBAC without Lease access keeps working; deploy/cluster turns it on.
/// </summary>
public sealed class LeaderElectionOptions
{
    public bool Enabled { get; set; }
    public string LeaseName { get; set; } = "edge";
    /// <summary>"" = POD_NAMESPACE, else the service account's namespace, else "default".</summary>
    public string Namespace { get; set; } = "";
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);
}
