using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Edge.Configuration;
using Edge.Model;
using Edge.Observability.Logging;
using Edge.Security;
using Edge.Security.Acme;

namespace Edge.Providers.Acme;

/// <summary>
/// One <c>certificatesResolvers.&lt;name&gt;.acme</c>: a provider named <c>&lt;name&gt;.acme</c> whose
/// configuration is the certificates it holds (Traefik's buildMessage), so they are served by SNI
/// like any other. It reads acme.json at start and publishes what is there at once; it orders a
/// certificate on first need (a router asks for names no certificate of it covers), renews on
/// Traefik's schedule, and never blocks serving: until a certificate arrives the default one (or the
/// last good one) is served. Orders run one at a time; a failing set of names backs off
/// exponentially, and at most <see cref="MaxOrdersPerHour"/> orders are placed in an hour.
/// </summary>
/// <summary>One finished order: its resolver, domains and routers, new or renewal, and the error when it failed.</summary>
public sealed record AcmeOrderOutcome(string Resolver, string Domains, string Routers, string Kind, string? Error)
{
    public bool Success => Error is null;
}

public sealed class AcmeResolver
{
    public const int MaxOrdersPerHour = 30;
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(30), MaxBackoff = TimeSpan.FromHours(1);

    private readonly AcmeResolverOptions _o;
    private readonly ChallengeResponder _responder;
    private readonly Func<DynamicConfig, List<DomainSet>> _demand;
    private readonly Func<IReadOnlyList<CertAndStores>, Task> _publish;
    private readonly IAcmeStore _store;
    private volatile bool _storeChanged;
    private bool _leading;
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Dictionary<string, (int Failures, DateTime Until)> _backoff = new(StringComparer.Ordinal);
    private readonly Queue<DateTime> _recentOrders = new();
    private readonly HashSet<string> _refusedLogged = new(StringComparer.Ordinal);
    private List<DomainSet> _wanted = [];
    // Tenancy mode: certificates are offered only for names their owners ask for (CertificateScope).
    private volatile bool _tenancy;
    private string? _publishedScope;
    private AcmeAccountRecord? _account;
    private List<AcmeCertificateRecord> _certificates = [];
    private AcmeClient? _client;
    // Renewals run on Traefik's ticker (at start, then every check interval), not on every configuration change.
    private DateTime _nextRenewalCheck = DateTime.MinValue;
    private readonly Edge.Security.Acme.Dns.Dns01Settings? _dns;

    public AcmeResolver(AcmeResolverOptions options, ChallengeResponder responder, Func<DynamicConfig, List<DomainSet>> demand,
        Func<IReadOnlyList<CertAndStores>, Task> publish, IAcmeStore? store = null)
    {
        _o = options;
        _responder = responder;
        _demand = demand;
        _publish = publish;
        _store = store ?? new AcmeFileStore(options.Storage);
        _dns = Dns01.Of(options);
        _store.Changed += () => { _storeChanged = true; Poke(); };
    }

    public string Name => _o.Name;
    public string ProviderName => _o.Name + ".acme";
    public IAcmeStore Store => _store;

    /// <summary>Why the resolver cannot work (its storage is unusable); its routers are then in error.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>Raised after every order (new or renewal), successful or not: metrics and Events listen.</summary>
    public event Action<AcmeOrderOutcome>? OrderCompleted;

    private void Completed(IReadOnlyList<string> domains, IReadOnlyList<string> routers, string reason, string? error)
    {
        try { OrderCompleted?.Invoke(new AcmeOrderOutcome(_o.Name, string.Join(",", domains), string.Join(",", routers), reason == "new" ? "new" : "renewal", error)); }
        catch (Exception e) { Log.Error("ACME order observer failed", ("resolver", _o.Name), ("error", e.Message)); }
    }

    /// <summary>Orders placed (for tests and /debug/vars).</summary>
    public int OrdersPlaced { get; private set; }

    /// <summary>Checks and reads the storage; a failure makes the resolver unavailable, logged once.</summary>
    public void Initialize()
    {
        try
        {
            _store.Check();
            Reload();
        }
        catch (Exception e) when (e is AcmeStorageException or FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            Unavailable = e.Message;
            Log.Error("The ACME resolver is skipped from the resolvers list", ("resolver", _o.Name), ("storage", _o.Storage), ("error", e.Message));
            return;
        }
        Log.Info("ACME resolver ready", ("resolver", _o.Name), ("caServer", _o.CaServer), ("storage", _store.Description), ("certificates", _certificates.Count));
    }

    /// <summary>Reads the account and certificates from the storage (the file, or the Secrets as watched now).</summary>
    private void Reload()
    {
        (_account, _certificates) = _store.Load(_o.Name);
        // Traefik resets the account when caServer changed, so that the registration URI is updated.
        if (_account is not null && Uri.TryCreate(_account.Uri, UriKind.Absolute, out var uri) && Uri.TryCreate(_o.CaServer, UriKind.Absolute, out var ca) && uri.Host != ca.Host)
        {
            Log.Info("Account URI does not match the current CAServer. The account will be reset.", ("resolver", _o.Name));
            _account = null;
        }
    }

    /// <summary>Wakes the loop: the storage changed, or leadership did.</summary>
    public void Poke() => _signal.Writer.TryWrite(true);

    /// <summary>
    /// Only a process that may write (the file's owner, the Kubernetes storage's leader) orders and
    /// renews; the others serve what the storage holds. A new leader reads the storage again and
    /// checks renewals at once: it continues the lifecycle where the previous leader left it.
    /// </summary>
    private async Task StepAsync(CancellationToken ct)
    {
        // Tenancy: a change of owners or of demand changes where the certificates may be offered.
        if (_publishedScope is not null && _publishedScope != CertificateScope.Signature(Scopes())) await PublishAsync();
        if (!_store.Ready || !_store.MayWrite)
        {
            if (_leading) Log.Info("ACME resolver stops ordering: not the leader", ("resolver", _o.Name), ("storage", _store.Description));
            _leading = false;
            if (_storeChanged && _store.Ready)
            {
                _storeChanged = false;
                Reload();
                await PublishAsync();
            }
            return;
        }
        if (!_leading)
        {
            _leading = true;
            _storeChanged = false;
            Reload();
            _client = null;
            _nextRenewalCheck = DateTime.MinValue;
            if (_store is not AcmeFileStore)
                Log.Info("ACME resolver orders and renews as the leader", ("resolver", _o.Name), ("storage", _store.Description), ("certificates", _certificates.Count));
            await PublishAsync();
        }
        await WorkAsync(ct);
    }

    /// <summary>A new merged configuration: what its routers want is recomputed and looked at by the loop.</summary>
    public void OnConfiguration(DynamicConfig config)
    {
        if (Unavailable is not null) return;
        var wanted = _demand(config);
        Volatile.Write(ref _wanted, wanted);
        _tenancy = config.HostOwnership is not null;
        _signal.Writer.TryWrite(true);
    }

    public async Task RunAsync(CancellationToken ct)
    {
        if (Unavailable is not null) return;
        await PublishAsync();
        while (!ct.IsCancellationRequested)
        {
            try { await StepAsync(ct); }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) { Log.Error("ACME resolver failed", ("resolver", _o.Name), ("error", e.Message)); }
            var wait = _leading ? _nextRenewalCheck - DateTime.UtcNow : TimeSpan.FromSeconds(30);
            var nextRetry = NextRetry();
            if (nextRetry is { } r && r < wait) wait = r;
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timer.CancelAfter(wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait);
            try { await _signal.Reader.ReadAsync(timer.Token); }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
            catch (OperationCanceledException) { return; }
        }
    }

    private TimeSpan? NextRetry()
    {
        var now = DateTime.UtcNow;
        var pending = _backoff.Values.Where(b => b.Until > now).ToList();
        return pending.Count == 0 ? null : pending.Min(b => b.Until) - now;
    }

    /// <summary>Renewals first (a certificate about to expire matters more), then names nothing covers yet.</summary>
    private async Task WorkAsync(CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        var renewNow = now >= _nextRenewalCheck;
        if (renewNow) _nextRenewalCheck = now + RenewalPolicy.For(_o.CertificatesDuration).CheckInterval;
        foreach (var cert in _certificates.ToList())
        {
            // Between ticks only a renewal that failed is retried (when its backoff ends).
            if (!renewNow && !_backoff.ContainsKey(Key(cert.Domains))) continue;
            var notAfter = NotAfter(cert);
            if (notAfter is { } na && !RenewalPolicy.IsDue(na, now, _o.CertificatesDuration)) continue;
            var routers = Volatile.Read(ref _wanted).Where(w => w.Key == Key(cert.Domains)).SelectMany(w => w.Routers).ToList();
            await ObtainAsync(cert.Domains, routers, notAfter is null ? "unreadable" : "renewal", ct);
        }
        foreach (var set in Volatile.Read(ref _wanted))
        {
            if (set.HasWildcard && _dns is null)
            {
                if (_refusedLogged.Add(set.Key))
                    Log.Error("Unable to obtain ACME certificate for domains: a wildcard needs the DNS-01 challenge (dnsChallenge), not configured for this resolver",
                        ("resolver", _o.Name), ("domains", string.Join(",", set.Domains)), ("routers", string.Join(",", set.Routers)));
                continue;
            }
            if (set.Domains.All(d => _certificates.Any(c => c.Domains.Any(n => MatchDomain(d, n))))) continue;
            await ObtainAsync(set.Domains, set.Routers, "new", ct);
        }
    }

    private async Task ObtainAsync(IReadOnlyList<string> domains, IReadOnlyList<string> routers, string reason, CancellationToken ct)
    {
        var key = Key(domains);
        var now = DateTime.UtcNow;
        if (_backoff.TryGetValue(key, out var b) && b.Until > now) return;
        while (_recentOrders.Count > 0 && _recentOrders.Peek() < now - TimeSpan.FromHours(1)) _recentOrders.Dequeue();
        if (_recentOrders.Count >= MaxOrdersPerHour)
        {
            Log.Warn("ACME order postponed: too many orders in the last hour", ("resolver", _o.Name), ("domains", string.Join(",", domains)), ("limit", MaxOrdersPerHour));
            _backoff[key] = (b.Failures, _recentOrders.Peek() + TimeSpan.FromHours(1));
            return;
        }
        _recentOrders.Enqueue(now);
        OrdersPlaced++;
        Log.Info(reason == "new" ? "Obtaining ACME certificate" : "Renewing ACME certificate", ("resolver", _o.Name),
            ("domains", string.Join(",", domains)), ("routers", string.Join(",", routers)), ("reason", reason));
        try
        {
            var client = await ClientAsync(ct);
            var obtained = await AcmeOrderFlow.ObtainAsync(client, domains, Settings(), _responder, ct, _store.Challenges);
            var record = new AcmeCertificateRecord(domains[0], domains.Skip(1).ToList(), obtained.CertificatePem, obtained.KeyPem);
            var next = _certificates.Where(c => Key(c.Domains) != key).Append(record).ToList();
            _certificates = next;
            _backoff.Remove(key);
            await _store.SaveAsync(_o.Name, _account, next, ct);
            await PublishAsync();
            Log.Info("ACME certificate obtained", ("resolver", _o.Name), ("domains", string.Join(",", domains)),
                ("routers", string.Join(",", routers)), ("notAfter", obtained.NotAfter.ToString("yyyy-MM-ddTHH:mm:ssZ")));
            Completed(domains, routers, reason, null);
        }
        catch (Exception e) when (e is AcmeException or HttpRequestException or AcmeStorageException or System.Security.Cryptography.CryptographicException
                                   or TaskCanceledException && !ct.IsCancellationRequested)
        {
            var failures = (_backoff.TryGetValue(key, out var prev) ? prev.Failures : 0) + 1;
            var delay = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, FirstBackoff.Ticks << Math.Min(failures - 1, 20)));
            _backoff[key] = (failures, DateTime.UtcNow + delay);
            if (e is AcmeException { Type: "urn:ietf:params:acme:error:accountDoesNotExist" or "urn:ietf:params:acme:error:unauthorized" } && _client is not null)
                _client = null;   // re-register on the next attempt
            Log.Error("Unable to obtain ACME certificate for domains", ("resolver", _o.Name), ("domains", string.Join(",", domains)),
                ("routers", string.Join(",", routers)), ("error", e.Message), ("retryIn", OptionValues.FormatDuration(delay)));
            Completed(domains, routers, reason, e.Message);
        }
    }

    private OrderSettings Settings() => new(_o.HttpChallenge, _o.HttpChallengeDelay, _o.TlsChallenge, _o.TlsChallengeDelay, _o.KeyType, _o.Profile,
        _o.PreferredChain, !_o.DisableCommonName, _o.EmailAddresses, _o.ClientTimeout, _o.CertificateTimeout, _dns);

    /// <summary>The client, with the stored account or a new one (registered, with EAB when configured, and saved).</summary>
    private async Task<AcmeClient> ClientAsync(CancellationToken ct)
    {
        if (_client is not null) return _client;
        X509Certificate2Collection? roots = _o.CaCertificates.Count > 0 ? PemMaterial.Certificates(_o.CaCertificates, $"certificatesResolvers.{_o.Name}.acme.caCertificates") : null;
        var http = AcmeClient.CreateHttpClient(roots, _o.CaSystemCertPool, _o.CaServerName, _o.ClientTimeout);
        if (_account is { } stored && stored.Uri.Length > 0)
        {
            var client = new AcmeClient(http, new Uri(_o.CaServer), AcmeAccountKey.Import(stored.PrivateKey), _o.ClientResponseHeaderTimeout) { AccountUrl = stored.Uri };
            return _client = client;
        }
        var key = _account is { } partial ? AcmeAccountKey.Import(partial.PrivateKey) : AcmeAccountKey.NewRsa();
        var fresh = new AcmeClient(http, new Uri(_o.CaServer), key, _o.ClientResponseHeaderTimeout);
        if (await fresh.ExternalAccountRequiredAsync(ct) && _o.EabKid.Length == 0)
            throw new AcmeException("externalAccountRequired", $"the CA requires External Account Binding: set certificatesResolvers.{_o.Name}.acme.eab.kid and eab.hmacEncoded");
        var url = await fresh.RegisterAsync(_o.Email, _o.EabKid.Length > 0 ? _o.EabKid : null, _o.EabKid.Length > 0 ? Base64Url.Decode(_o.EabHmacEncoded) : null, ct);
        _account = new AcmeAccountRecord(_o.Email, url, new System.Text.Json.Nodes.JsonObject { ["status"] = "valid" }, key.ExportPkcs1OrPkcs8());
        await _store.SaveAsync(_o.Name, _account, _certificates, ct);
        Log.Info("ACME account registered", ("resolver", _o.Name), ("account", url));
        return _client = fresh;
    }

    private List<IReadOnlyCollection<string>?> Scopes()
    {
        var wanted = Volatile.Read(ref _wanted);
        return _certificates.Select(c => CertificateScope.AllowedNames(c.Domains, wanted, _tenancy)).ToList();
    }

    private Task PublishAsync()
    {
        var scopes = Scopes();
        _publishedScope = CertificateScope.Signature(scopes);
        var certs = _certificates.Select((c, i) => new CertAndStores { CertFile = c.CertificatePem, KeyFile = c.KeyPem, Stores = [c.Store], SourceSecret = ProviderName, AllowedNames = scopes[i] }).ToList();
        _ = _publish(certs);
        return Task.CompletedTask;
    }

    private static DateTime? NotAfter(AcmeCertificateRecord c)
    {
        try
        {
            using var cert = X509Certificate2.CreateFromPem(c.CertificatePem);
            return cert.NotAfter.ToUniversalTime();
        }
        catch (System.Security.Cryptography.CryptographicException) { return null; }
    }

    private static string Key(IEnumerable<string> domains) => string.Join(",", domains.Order(StringComparer.Ordinal));

    /// <summary>Traefik's types.MatchDomain: the same name, or a wildcard one label up.</summary>
    public static bool MatchDomain(string domain, string certDomain)
    {
        if (string.Equals(domain, certDomain, StringComparison.OrdinalIgnoreCase)) return true;
        if (!certDomain.StartsWith("*.", StringComparison.Ordinal)) return false;
        var dot = domain.IndexOf('.');
        return dot > 0 && string.Equals(domain[(dot + 1)..], certDomain[2..], StringComparison.OrdinalIgnoreCase);
    }
}
