using Edge.Security.Acme;

namespace Edge.Providers.Acme;

/// <summary>
/// Where a resolver keeps its account and certificates: Traefik's acme.json for one instance
/// (<see cref="AcmeFileStore"/>), or Secrets in one namespace for several replicas
/// (<see cref="AcmeSecretStore"/>), where only the leader writes and every replica reads what it watches.
/// </summary>
public interface IAcmeStore
{
    /// <summary>For log lines: the file, or <c>kubernetes:&lt;namespace&gt;</c>.</summary>
    string Description { get; }

    /// <summary>What is held is complete (the file is always; the Secrets once listed).</summary>
    bool Ready { get; }

    /// <summary>This process may order, renew and write (the file always; the Secrets only on the leader).</summary>
    bool MayWrite { get; }

    /// <summary>Where pending challenges are published for the other replicas, if there are any.</summary>
    IChallengePublisher? Challenges { get; }

    /// <summary>Raised when what is stored changed under this process (another replica wrote).</summary>
    event Action? Changed;

    /// <summary>Refuses an unusable storage (Traefik's CheckFile for the file).</summary>
    void Check();

    (AcmeAccountRecord? Account, List<AcmeCertificateRecord> Certificates) Load(string resolver);

    Task SaveAsync(string resolver, AcmeAccountRecord? account, IReadOnlyList<AcmeCertificateRecord> certificates, CancellationToken ct);
}

/// <summary>The storage option's Kubernetes form: <c>kubernetes:&lt;namespace&gt;</c> (an empty namespace: the leader election's).</summary>
public static class AcmeStorageKind
{
    public const string KubernetesPrefix = "kubernetes:";

    public static bool IsKubernetes(string storage) => storage.StartsWith(KubernetesPrefix, StringComparison.OrdinalIgnoreCase);

    public static string Namespace(string storage) => storage[KubernetesPrefix.Length..].Trim();
}
