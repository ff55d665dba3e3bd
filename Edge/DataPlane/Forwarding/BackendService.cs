using System.Security.Cryptography;
using System.Text;
using Edge.Model;
using Microsoft.AspNetCore.Http;

namespace Edge.DataPlane.Forwarding;

/// <summary>One server of a service: its base URI and the value its sticky cookie carries.</summary>
public sealed class BackendServer(Uri baseUri)
{
    public Uri BaseUri { get; } = baseUri;
    /// <summary>The URL as configured (the key of /api/rawdata's serverStatus and of the server_up gauge).</summary>
    public string ConfiguredUrl { get; init; } = baseUri.ToString().TrimEnd('/');
    public string Url { get; } = baseUri.ToString().TrimEnd('/');
    /// <summary>A hash of the URL, the same on every replica, so a cookie set by one works on all.</summary>
    public string CookieValue { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(baseUri.ToString().TrimEnd('/'))))[..16];
    /// <summary>Scheme and authority of the base URI, for the outgoing request URI.</summary>
    public string Prefix { get; } = baseUri.GetLeftPart(UriPartial.Authority);
    /// <summary>The server's position in its service's balancer.</summary>
    public int Index { get; init; }
}

/// <summary>What a service is: a load balancer of servers, or one of Traefik's services of services.</summary>
public enum ServiceKind { LoadBalancer, Weighted, Mirroring, Failover }

/// <summary>Traefik's sticky cookie settings (service.sticky.cookie.* annotations).</summary>
public sealed record StickyCookieOptions(string Name, bool Secure, bool HttpOnly, string? SameSite, int MaxAge, string Path, string? Domain);

/// <summary>
/// A service compiled for the request path: its servers, balancer, sticky cookie and forwarding
/// options. Built once per configuration; never mutated afterwards.
/// </summary>
public sealed class BackendService
{
    public string Name { get; }
    public BackendServer[] Servers { get; }
    public bool PassHostHeader { get; }
    public TimeSpan FlushInterval { get; }
    public StickyCookieOptions? Sticky { get; }
    /// <summary>h2c backends (service.serversscheme=h2c) speak HTTP/2 without TLS.</summary>
    public bool H2c { get; }
    /// <summary>The qualified name of the service's servers transport; null for default@internal.</summary>
    public string? TransportName { get; }
    private readonly ServerBalancer _balancer;
    private readonly List<WeightedService>? _weighted;
    // A weighted service's children, linked once every service of the configuration is built.
    private (BackendService Service, string CookieValue)[] _children = [];
    private WeightedRoundRobin? _childBalancer;

    public ServiceKind Kind { get; }
    /// <summary>The service as configured (a mirroring's or failover's options are read from it).</summary>
    public Service Model { get; }
    /// <summary>A load balancer's active health check; null without one.</summary>
    public ServerHealthCheck? HealthCheck => Model.LoadBalancer?.HealthCheck;
    /// <summary>The status of each server of <see cref="Servers"/>, written by the health checker.</summary>
    public ServerHealth Health { get; }

    /// <summary>A mirroring's or failover's main service, linked with the configuration.</summary>
    public BackendService? Main { get; private set; }
    /// <summary>A failover's fallback service.</summary>
    public BackendService? Fallback { get; private set; }
    /// <summary>A mirroring's mirrors with their percent and Traefik's per-mirror request count.</summary>
    public MirrorTarget[] Mirrors { get; private set; } = [];
    private long _mirrorTotal;
    private readonly object _mirrorGate = new();

    /// <summary>A service of services (Traefik's weighted): requests go to one of its children, by weight.</summary>
    public bool IsWeighted => _weighted is not null;

    /// <summary>
    /// Traefik's StatusUpdater that accepts a parent: a load balancer with a healthCheck, or a
    /// service of services with <c>healthCheck: {}</c> (a mirroring also needs its main service to report).
    /// </summary>
    public bool ReportsHealth => Kind switch
    {
        ServiceKind.LoadBalancer => HealthCheck is not null,
        ServiceKind.Weighted => Model.Weighted?.HealthCheck is not null,
        ServiceKind.Mirroring => Model.Mirroring?.HealthCheck is not null && Main?.ReportsHealth == true,
        _ => Model.Failover?.HealthCheck is not null,
    };

    /// <summary>
    /// The status a parent sees (Traefik's propagation): a load balancer is up while one server is;
    /// a weighted service while one child is; a failover while its main or its fallback is; a
    /// mirroring while its main service is. A service that does not check health is always up.
    /// </summary>
    public bool IsUp(int depth = 0)
    {
        if (depth > 16) return false;
        switch (Kind)
        {
            case ServiceKind.LoadBalancer: return HealthCheck is null || Health.AnyUp;
            case ServiceKind.Weighted:
                if (Model.Weighted?.HealthCheck is null) return true;
                foreach (var (child, _) in _children) if (child.IsUp(depth + 1)) return true;
                return false;
            case ServiceKind.Mirroring: return Main is null || Main.IsUp(depth + 1);
            default: return MainUp(depth) || FallbackUp(depth);
        }
    }

    /// <summary>A failover's main status: followed when the main service reports health, else always up (Traefik).</summary>
    public bool MainUp(int depth = 0) => Main is not null && (!Main.ReportsHealth || Main.IsUp(depth + 1));

    /// <summary>A failover's fallback status: followed only when the failover has <c>healthCheck: {}</c>.</summary>
    public bool FallbackUp(int depth = 0) => Fallback is not null && (Model.Failover?.HealthCheck is null || Fallback.IsUp(depth + 1));

    /// <summary>
    /// Traefik's getActiveMirrors: counts this request, then picks each mirror whose share so far
    /// is below its percent (so 30 % mirrors exactly 3 of every 10 requests, deterministically).
    /// </summary>
    public List<BackendService> ActiveMirrors()
    {
        var active = new List<BackendService>();
        if (Mirrors.Length == 0) return active;
        lock (_mirrorGate)
        {
            var total = ++_mirrorTotal;
            foreach (var m in Mirrors)
                if (m.Count * 100 < total * m.Percent) { m.Count++; active.Add(m.Service); }
        }
        return active;
    }

    /// <summary>ctx.Items key of the weighted services' cookies to set on the response.</summary>
    public const string WeightedCookiesKey = "edge.sticky.weighted";

    public BackendService(string name, Service service)
    {
        Name = name;
        Model = service;
        Kind = service.Weighted is not null ? ServiceKind.Weighted : service.Mirroring is not null ? ServiceKind.Mirroring
            : service.Failover is not null ? ServiceKind.Failover : ServiceKind.LoadBalancer;
        var lb = service.LoadBalancer;
        var servers = new List<BackendServer>();
        var weights = new List<int>();
        foreach (var s in lb?.Servers ?? [])
        {
            var url = s.Url;
            if (url.StartsWith("h2c://", StringComparison.OrdinalIgnoreCase)) { H2c = true; url = "http://" + url[6..]; }
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) continue;
            servers.Add(new BackendServer(uri) { ConfiguredUrl = s.Url, Index = servers.Count });
            weights.Add(s.Weight ?? 1);
        }
        Servers = servers.ToArray();
        Health = new ServerHealth(Servers.Length);
        TransportName = TransportOf(name, service);
        // An unknown strategy never gets here served (ReferenceCheck refuses the service); wrr keeps the build total.
        _balancer = ServerBalancer.Create(lb?.Strategy, Servers.Select(s => s.ConfiguredUrl).ToList(), weights)
            ?? ServerBalancer.Create("wrr", [], weights)!;
        PassHostHeader = lb?.PassHostHeader ?? true;
        FlushInterval = Configuration.OptionValues.TryDuration(lb?.ResponseForwarding?.FlushInterval ?? "100ms", out var fi) ? fi : TimeSpan.FromMilliseconds(100);
        _weighted = service.Weighted?.Services ?? (service.Weighted is null ? null : []);
        // Traefik's hrw balancer has no sticky cookie: the client's address keeps it on one server.
        var sticky = lb is not null ? (_balancer.SupportsSticky ? lb.Sticky : null) : service.Weighted?.Sticky;
        if (sticky?.Cookie is { } c)
        {
            Sticky = new StickyCookieOptions(
                string.IsNullOrEmpty(c.Name) ? DefaultCookieName(name) : c.Name!,
                c.Secure ?? false, c.HttpOnly ?? false, c.SameSite, c.MaxAge ?? 0, c.Path ?? "/", c.Domain);
        }
    }

    /// <summary>
    /// Links a weighted service to its children, looked up by <paramref name="key"/> (a child's
    /// unqualified name belongs to this service's provider). Called once, before the state is
    /// published; a child that does not exist is skipped (its routers are in error already).
    /// </summary>
    public void Link(Func<string, BackendService?> key)
    {
        if (Model.Mirroring is { } mirroring)
        {
            Main = mirroring.Service is { Length: > 0 } main ? key(main) : null;
            Mirrors = (mirroring.Mirrors ?? []).Select(m => key(m.Name) is { } s ? new MirrorTarget(s, m.Percent) : null)
                .OfType<MirrorTarget>().ToArray();
        }
        if (Model.Failover is { } failover)
        {
            Main = failover.Service is { Length: > 0 } main ? key(main) : null;
            Fallback = failover.Fallback is { Length: > 0 } fallback ? key(fallback) : null;
        }
        if (_weighted is null) return;
        var children = new List<(BackendService, string)>();
        var weights = new List<int>();
        foreach (var child in _weighted)
        {
            if (key(child.Name) is not { } backend) continue;
            children.Add((backend, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(backend.Name)))[..16]));
            weights.Add(Math.Max(0, child.Weight ?? 1));
        }
        _children = children.ToArray();
        _childBalancer = new WeightedRoundRobin(weights);
    }

    /// <summary>
    /// The load balancer a request goes to: this service, or for a weighted one the child its
    /// sticky cookie names, else the next by weight (recursively, at most 16 levels); null when none.
    /// </summary>
    public BackendService? Leaf(HttpContext ctx, int depth = 0)
    {
        if (_weighted is null) return this;
        if (_children.Length == 0 || depth > 16) return null;
        // With healthCheck: {}, a child that is down is not picked (Traefik's wrr status), not even by its cookie.
        bool followHealth = Model.Weighted?.HealthCheck is not null;
        if (Sticky is not null && ctx.Request.Cookies[Sticky.Name] is { } value)
            foreach (var (child, cookie) in _children)
                if (cookie == value && (!followHealth || child.IsUp())) return child.Leaf(ctx, depth + 1);
        var i = _childBalancer!.Pick(followHealth ? c => !_children[c].Service.IsUp() : null);
        if (i < 0) return null;
        if (Sticky is not null)
        {
            if (ctx.Items[WeightedCookiesKey] is not List<(BackendService, string)> pending) ctx.Items[WeightedCookiesKey] = pending = new();
            pending.Add((this, _children[i].CookieValue));
        }
        return _children[i].Service.Leaf(ctx, depth + 1);
    }

    /// <summary>Sets the cookies of the sticky weighted services this request went through.</summary>
    public static void AppendWeightedCookies(HttpContext ctx)
    {
        if (ctx.Items[WeightedCookiesKey] is not List<(BackendService Service, string Value)> pending) return;
        foreach (var (service, value) in pending) service.AppendCookie(ctx, value);
    }
    /// <summary>
    /// The qualified servers transport of a service, null for default@internal. An unqualified
    /// name belongs to the service's provider (Traefik's GetQualifiedName).
    /// </summary>
    public static string? TransportOf(string serviceName, Service service) =>
        service.LoadBalancer?.ServersTransport is { Length: > 0 } st
        && ProviderNames.Qualify(st, ProviderNames.ProviderOf(serviceName)) is var q && q != "default@internal" ? q : null;

    /// <summary>Traefik names an unnamed sticky cookie after a hash of the service.</summary>
    public static string DefaultCookieName(string service) =>
        "_" + Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(service)))[..6];

    /// <summary>Picks a server: the sticky one when the request's cookie names a live one, else the next in turn.</summary>
    public BackendServer? Pick(HttpContext ctx, out bool setCookie)
    {
        setCookie = false;
        if (Servers.Length == 0) return null;
        if (Sticky is not null)
        {
            var value = ctx.Request.Cookies[Sticky.Name];
            if (value is not null)
                for (int s = 0; s < Servers.Length; s++)
                    if (Servers[s].CookieValue == value && !Health.IsDown(s)) return Servers[s];
            setCookie = true;
        }
        // Servers found down by the health check are not picked; none left: 503 (Traefik's "no available server").
        var i = _balancer.Pick(ClientIp(ctx), HealthCheck is null ? null : Health.IsDown);
        return i < 0 ? null : Servers[i];
    }

    /// <summary>The load counters of <paramref name="server"/> when the strategy uses them (p2c, leasttime); else null.</summary>
    public ServerLoad? LoadOf(BackendServer server) => _balancer.TracksLoad ? _balancer.Load(server.Index) : null;

    /// <summary>Traefik's RemoteAddrStrategy: the connection's address, without port (an IPv4-mapped address as IPv4).</summary>
    public static string ClientIp(HttpContext ctx) => ctx.Connection.RemoteIpAddress is { } ip
        ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : "";

    public void AppendStickyCookie(HttpContext ctx, BackendServer server) => AppendCookie(ctx, server.CookieValue);

    private void AppendCookie(HttpContext ctx, string value)
    {
        if (Sticky is null) return;
        var options = new CookieOptions
        {
            Path = Sticky.Path, Domain = Sticky.Domain, Secure = Sticky.Secure, HttpOnly = Sticky.HttpOnly,
            SameSite = Sticky.SameSite?.ToLowerInvariant() switch
            {
                "none" => SameSiteMode.None, "lax" => SameSiteMode.Lax, "strict" => SameSiteMode.Strict, _ => SameSiteMode.Unspecified,
            },
        };
        if (Sticky.MaxAge > 0) options.MaxAge = TimeSpan.FromSeconds(Sticky.MaxAge);
        else if (Sticky.MaxAge < 0) options.Expires = DateTimeOffset.UnixEpoch;
        ctx.Response.Cookies.Append(Sticky.Name, value, options);
    }
}

/// <summary>One mirror of a mirroring service, with Traefik's count of the requests it was sent.</summary>
public sealed class MirrorTarget(BackendService service, int percent)
{
    public BackendService Service { get; } = service;
    public int Percent { get; } = percent;
    /// <summary>Guarded by the mirroring service's lock.</summary>
    public long Count { get; set; }
}
