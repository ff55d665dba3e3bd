namespace Edge.Configuration;

/// <summary>
/// The tenancy section beyond <c>tenancy.enabled</c>: who may declare catch-alls, and the default
/// per-namespace request limits (administrators override them per namespace with annotations on
/// the Namespace object, which tenants cannot edit under namespaced RBAC).
/// </summary>
public sealed class TenancyOptions
{
    /// <summary>Namespaces whose Ingresses may declare a default backend or a rule without a host.</summary>
    public List<string> DefaultBackendNamespaces { get; set; } = new();

    /// <summary>Requests per second per namespace (token bucket refill); 0 = unlimited.</summary>
    public int RateLimitAverage { get; set; }

    /// <summary>Token bucket size; 0 = the average (one second's worth).</summary>
    public int RateLimitBurst { get; set; }

    /// <summary>Requests in flight per namespace; 0 = unlimited.</summary>
    public int MaxConcurrentRequests { get; set; }
}
