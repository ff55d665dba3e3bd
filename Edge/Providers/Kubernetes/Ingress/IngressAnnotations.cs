using System.Globalization;
using System.Text.RegularExpressions;
using Edge.Model;

namespace Edge.Providers.Kubernetes.Ingress;

/// <summary>Router settings from <c>traefik.ingress.kubernetes.io/router.*</c> annotations.</summary>
public sealed class RouterAnnotations
{
    public string? PathMatcher { get; set; }
    public List<string>? EntryPoints { get; set; }
    public List<string>? Middlewares { get; set; }
    public long Priority { get; set; }
    public string? RuleSyntax { get; set; }
    public RouterTls? Tls { get; set; }
    public RouterObservability? Observability { get; set; }
}

/// <summary>Service settings from <c>traefik.ingress.kubernetes.io/service.*</c> annotations.</summary>
public sealed class ServiceAnnotations
{
    public string? ServersScheme { get; set; }
    public string? ServersTransport { get; set; }
    public bool? PassHostHeader { get; set; }
    public List<string>? Middlewares { get; set; }
    public Sticky? Sticky { get; set; }
    public bool? NativeLB { get; set; }
    public bool NodePortLB { get; set; }
}

/// <summary>
/// Decodes Traefik's Ingress annotations the way its label decoder does: keys after the prefix are
/// case-insensitive, lists are comma-separated, <c>tls.domains.N.main</c> is indexed, an unknown key
/// or a bad value under router./service. is an error that skips the object.
/// </summary>
public static partial class IngressAnnotations
{
    public const string Prefix = "traefik.ingress.kubernetes.io/";

    [GeneratedRegex(@"^tls\.domains\.(\d+)\.(main|sans)$", RegexOptions.CultureInvariant)]
    private static partial Regex DomainKey();

    /// <summary>Null when no router.* annotation is present.</summary>
    public static RouterAnnotations? ParseRouter(IDictionary<string, string>? annotations)
    {
        RouterAnnotations? r = null;
        foreach (var (key, value) in Scoped(annotations, "router."))
        {
            r ??= new RouterAnnotations();
            var v = value.Trim();
            switch (key)
            {
                case "pathmatcher": r.PathMatcher = v; break;
                case "entrypoints": r.EntryPoints = List(v); break;
                case "middlewares": r.Middlewares = List(v); break;
                case "priority": r.Priority = Int(key, v); break;
                case "rulesyntax": r.RuleSyntax = v; break;
                case "tls": if (Bool(key, v)) r.Tls ??= new RouterTls(); break;
                case "tls.certresolver": (r.Tls ??= new RouterTls()).CertResolver = v; break;
                case "tls.options": (r.Tls ??= new RouterTls()).Options = v; break;
                case "observability.accesslogs": Observability(r).AccessLogs = Bool(key, v); break;
                case "observability.metrics": Observability(r).Metrics = Bool(key, v); break;
                case "observability.tracing": Observability(r).Tracing = Bool(key, v); break;
                case "observability.traceverbosity": Observability(r).TraceVerbosity = v; break;
                default:
                    var m = DomainKey().Match(key);
                    if (!m.Success) throw new AnnotationException($"unknown annotation {Prefix}router.{key}");
                    var tls = r.Tls ??= new RouterTls();
                    tls.Domains ??= new List<TlsDomain>();
                    // Found by the fuzzer: an index beyond int overflowed, and the exception escaped the
                    // per-Ingress error handling (one bad Ingress froze everyone's configuration).
                    if (!int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index > 100)
                        throw new AnnotationException($"tls domain index {m.Groups[1].Value} too large");
                    while (tls.Domains.Count <= index) tls.Domains.Add(new TlsDomain());
                    if (m.Groups[2].Value == "main") tls.Domains[index].Main = v;
                    else tls.Domains[index].Sans = List(v);
                    break;
            }
        }
        return r;
    }

    /// <summary>Traefik's RouterObservabilityConfig.SetDefaults: trace verbosity "minimal".</summary>
    private static RouterObservability Observability(RouterAnnotations r) =>
        r.Observability ??= new RouterObservability { TraceVerbosity = "minimal" };

    /// <summary>Null when no service.* annotation is present.</summary>
    public static ServiceAnnotations? ParseService(IDictionary<string, string>? annotations)
    {
        ServiceAnnotations? s = null;
        foreach (var (key, value) in Scoped(annotations, "service."))
        {
            s ??= new ServiceAnnotations { PassHostHeader = true };
            var v = value.Trim();
            switch (key)
            {
                case "serversscheme": s.ServersScheme = v; break;
                case "serverstransport": s.ServersTransport = v; break;
                case "passhostheader": s.PassHostHeader = Bool(key, v); break;
                case "middlewares": s.Middlewares = List(v); break;
                case "nativelb": s.NativeLB = Bool(key, v); break;
                case "nodeportlb": s.NodePortLB = Bool(key, v); break;
                case "sticky.cookie": if (Bool(key, v)) Cookie(s); break;
                case "sticky.cookie.name": Cookie(s).Name = v; break;
                case "sticky.cookie.secure": Cookie(s).Secure = Bool(key, v) ? true : null; break;
                case "sticky.cookie.httponly": Cookie(s).HttpOnly = Bool(key, v) ? true : null; break;
                case "sticky.cookie.samesite": Cookie(s).SameSite = v; break;
                case "sticky.cookie.maxage": var age = (int)Int(key, v); Cookie(s).MaxAge = age == 0 ? null : age; break;
                case "sticky.cookie.path": Cookie(s).Path = v; break;
                case "sticky.cookie.domain": Cookie(s).Domain = v; break;
                default: throw new AnnotationException($"unknown annotation {Prefix}service.{key}");
            }
        }
        return s;
    }

    private static StickyCookie Cookie(ServiceAnnotations s)
    {
        s.Sticky ??= new Sticky();
        return s.Sticky.Cookie ??= new StickyCookie { Path = "/" };   // Traefik's Cookie.SetDefaults
    }

    /// <summary>The annotations under prefix+scope, keys lower-cased and without the prefix, in a stable order.</summary>
    private static IEnumerable<(string Key, string Value)> Scoped(IDictionary<string, string>? annotations, string scope)
    {
        if (annotations is null) yield break;
        foreach (var (k, v) in annotations.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!k.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            var rest = k[Prefix.Length..].ToLowerInvariant();
            if (!rest.StartsWith(scope, StringComparison.Ordinal)) continue;
            yield return (rest[scope.Length..], v ?? "");
        }
    }

    private static List<string> List(string v) =>
        v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static bool Bool(string key, string v) => v.ToLowerInvariant() switch
    {
        "true" or "1" or "t" => true,
        "false" or "0" or "f" => false,
        _ => throw new AnnotationException($"invalid value \"{v}\" for {key}: expected true or false"),
    };

    private static long Int(string key, string v) =>
        long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)
            ? i : throw new AnnotationException($"invalid value \"{v}\" for {key}: expected an integer");
}

public sealed class AnnotationException(string message) : Exception(message);
