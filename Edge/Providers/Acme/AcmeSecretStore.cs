using System.Net;
using Edge.Observability.Logging;
using Edge.Providers.Kubernetes.Client;
using Edge.Security.Acme;
using k8s.Models;

namespace Edge.Providers.Acme;

/// <summary>
/// The Kubernetes storage for several replicas (<c>storage: kubernetes:&lt;namespace&gt;</c>): every
/// replica watches the Secrets labelled <c>app.kubernetes.io/managed-by=edge-acme</c> of one namespace
/// (a list-then-watch informer, like the other watched kinds) and serves the certificates in them;
/// only the leader of the Lease orders, renews and writes them (see <see cref="AcmeSecretMapping"/>).
/// The pending challenges the leader publishes here are answered by every replica, so the replica
/// the CA's validation request reaches need not be the one that ordered. One store per namespace,
/// shared by the resolvers that name it.
/// </summary>
public sealed class AcmeSecretStore : IAcmeStore, IChallengePublisher
{
    /// <summary>After the leader sees its own challenge Secret, how long the other replicas' watches are given to see it too.</summary>
    public static TimeSpan PropagationDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    private readonly ChallengeResponder _responder;
    private string _ns;
    private KubeApi _api = null!;
    private Func<bool> _isLeader = () => false;
    private ResourceInformer<V1Secret, V1SecretList>? _informer;

    /// <param name="ns">The namespace of the storage option; empty: the one given to <see cref="Attach"/>.</param>
    public AcmeSecretStore(string ns, ChallengeResponder responder)
    {
        _ns = ns; _responder = responder;
    }

    /// <summary>Connects to the API server once the Kubernetes provider and the leader election exist (before that nothing is held and nothing written).</summary>
    public void Attach(KubeApi api, Func<bool> isLeader, string defaultNamespace)
    {
        _api = api; _isLeader = isLeader;
        if (_ns.Length == 0) _ns = defaultNamespace;
        _informer = new ResourceInformer<V1Secret, V1SecretList>(api, ResourceKinds.Secret, _ns, AcmeSecretMapping.Selector, OnChange);
    }

    public string Namespace => _ns;
    public string Description => AcmeStorageKind.KubernetesPrefix + _ns;
    public bool Ready => _informer?.Synced ?? false;
    public bool MayWrite => _informer is not null && _isLeader();
    public IChallengePublisher Challenges => this;
    public IResourceInformer? Informer => _informer;
    private ICollection<V1Secret> Items => _informer?.Items ?? [];
    public event Action? Changed;

    public Task RunAsync(CancellationToken ct) => _informer?.RunAsync(ct) ?? Task.CompletedTask;

    private void OnChange()
    {
        _responder.ReplaceShared(Items.Select(AcmeSecretMapping.ChallengeOf).OfType<PendingChallenge>());
        try { Changed?.Invoke(); }
        catch (Exception e) { Log.Error("ACME storage change handler failed", ("storage", Description), ("error", e.Message)); }
    }

    public void Check() { }

    public (AcmeAccountRecord? Account, List<AcmeCertificateRecord> Certificates) Load(string resolver)
    {
        var mine = Items.Where(s => AcmeSecretMapping.ResolverOf(s) == resolver).ToList();
        var account = mine.Select(AcmeSecretMapping.AccountOf).OfType<AcmeAccountRecord>().FirstOrDefault();
        var certs = mine.Select(AcmeSecretMapping.CertificateOf).OfType<AcmeCertificateRecord>()
            .OrderBy(c => c.Main, StringComparer.Ordinal).ToList();
        return (account, certs);
    }

    /// <summary>Writes what differs from what is watched: the account, each certificate (a renewal replaces its Secret), and deletes the certificates no longer held.</summary>
    public async Task SaveAsync(string resolver, AcmeAccountRecord? account, IReadOnlyList<AcmeCertificateRecord> certificates, CancellationToken ct)
    {
        if (!_isLeader()) throw new AcmeStorageException($"not the leader: {Description} is written by the leader only");
        var current = Items.Where(s => AcmeSecretMapping.ResolverOf(s) == resolver)
            .ToDictionary(s => s.Metadata.Name, StringComparer.Ordinal);
        var wanted = new List<V1Secret>();
        if (account is not null) wanted.Add(AcmeSecretMapping.ToSecret(_ns, resolver, account));
        wanted.AddRange(certificates.Select(c => AcmeSecretMapping.ToSecret(_ns, resolver, c)));
        foreach (var secret in wanted)
        {
            if (current.TryGetValue(secret.Metadata.Name, out var existing) && AcmeSecretMapping.SameContent(existing, secret)) continue;
            await UpsertAsync(secret, ct);
        }
        foreach (var (name, existing) in current)
            if (AcmeSecretMapping.KindOf(existing) == AcmeSecretMapping.Certificate && wanted.All(w => w.Metadata.Name != name))
                await WrapAsync(() => _api.DeleteAsync(SecretPath(name), ct), name);
    }

    public async Task PublishAsync(PendingChallenge challenge, CancellationToken ct)
    {
        var secret = AcmeSecretMapping.ToSecret(_ns, challenge);
        await UpsertAsync(secret, ct);
        // Seen by this replica's own watch, then a moment for the others' (they watch the same API server).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline && !Items.Any(s => s.Metadata?.Name == secret.Metadata.Name))
            await Task.Delay(50, ct);
        await Task.Delay(PropagationDelay, ct);
        Log.Debug("ACME challenge published for every replica", ("storage", Description), ("secret", secret.Metadata.Name),
            ("domain", challenge.Domain), ("type", challenge.Type));
    }

    public async Task WithdrawAsync(PendingChallenge challenge)
    {
        var name = AcmeSecretMapping.ChallengeName(challenge);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await _api.DeleteAsync(SecretPath(name), cts.Token); }
        catch (Exception e) when (e is KubeApiException or HttpRequestException or OperationCanceledException)
        {
            Log.Warn("Could not withdraw an ACME challenge Secret", ("storage", Description), ("secret", name), ("error", e.Message));
        }
    }

    private string SecretPath(string name) => $"/api/v1/namespaces/{Uri.EscapeDataString(_ns)}/secrets/{Uri.EscapeDataString(name)}";

    /// <summary>PUT (an unconditional update: the leader is the only writer), POST when it does not exist yet.</summary>
    private Task UpsertAsync(V1Secret secret, CancellationToken ct) => WrapAsync(async () =>
    {
        try
        {
            await _api.WriteJsonAsync(HttpMethod.Put, SecretPath(secret.Metadata.Name), secret, KubeJsonContext.Default.V1Secret, ct);
        }
        catch (KubeApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            await _api.WriteJsonAsync(HttpMethod.Post, $"/api/v1/namespaces/{Uri.EscapeDataString(_ns)}/secrets", secret, KubeJsonContext.Default.V1Secret, ct);
        }
        return true;
    }, secret.Metadata.Name);

    private async Task WrapAsync(Func<Task<bool>> call, string name)
    {
        try { await call(); }
        catch (Exception e) when (e is KubeApiException or HttpRequestException)
        {
            throw new AcmeStorageException($"unable to write Secret {_ns}/{name}: {e.Message}");
        }
    }
}
