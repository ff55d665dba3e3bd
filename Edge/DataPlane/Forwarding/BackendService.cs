using System.Security.Cryptography;
using System.Text;
using Edge.Model;
using Microsoft.AspNetCore.Http;

namespace Edge.DataPlane.Forwarding;

/// <summary>One server of a service: its base URI and the value its sticky cookie carries.</summary>
public sealed class BackendServer(Uri baseUri)
{
    public Uri BaseUri { get; } = baseUri;
    public string Url { get; } = baseUri.ToString().TrimEnd('/');
    /// <summary>A hash of the URL, the same on every replica, so a cookie set by one works on all.</summary>
    public string CookieValue { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(baseUri.ToString().TrimEnd('/'))))[..16];
    /// <summary>Scheme and authority of the base URI, for the outgoing request URI.</summary>
    public string Prefix { get; } = baseUri.GetLeftPart(UriPartial.Authority);
}

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
    private readonly WeightedRoundRobin _balancer;

    public BackendService(string name, Service service)
    {
        Name = name;
        var lb = service.LoadBalancer;
        var servers = new List<BackendServer>();
        foreach (var s in lb?.Servers ?? [])
        {
            var url = s.Url;
            if (url.StartsWith("h2c://", StringComparison.OrdinalIgnoreCase)) { H2c = true; url = "http://" + url[6..]; }
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri)) servers.Add(new BackendServer(uri));
        }
        Servers = servers.ToArray();
        TransportName = TransportOf(name, service);
        _balancer = new WeightedRoundRobin(Servers.Select(_ => 1).ToList());
        PassHostHeader = lb?.PassHostHeader ?? true;
        FlushInterval = Configuration.OptionValues.TryDuration(lb?.ResponseForwarding?.FlushInterval ?? "100ms", out var fi) ? fi : TimeSpan.FromMilliseconds(100);
        if (lb?.Sticky?.Cookie is { } c)
        {
            Sticky = new StickyCookieOptions(
                string.IsNullOrEmpty(c.Name) ? DefaultCookieName(name) : c.Name!,
                c.Secure ?? false, c.HttpOnly ?? false, c.SameSite, c.MaxAge ?? 0, c.Path ?? "/", c.Domain);
        }
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
                foreach (var s in Servers)
                    if (s.CookieValue == value) return s;
            setCookie = true;
        }
        var i = _balancer.Pick();
        return i < 0 ? null : Servers[i];
    }

    public void AppendStickyCookie(HttpContext ctx, BackendServer server)
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
        ctx.Response.Cookies.Append(Sticky.Name, server.CookieValue, options);
    }
}
