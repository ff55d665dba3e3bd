using System.Text.Json;
using Edge.Configuration;
using Edge.Model;

namespace Edge.Providers.Kubernetes.Crd;

/// <summary>Traefik's CRD provider names and references (makeID, resolveReference, fullServiceName), as pure functions.</summary>
public static class CrdNames
{
    private const string Provider = ProviderNames.KubernetesCrd;

    /// <summary>Traefik's makeID: namespace-name, or the name alone without a namespace.</summary>
    public static string MakeId(string ns, string name) => ns.Length == 0 ? name : ns + "-" + name;

    /// <summary>
    /// Traefik's resolveReference for a route's middlewares and TLS options: a qualified name passes
    /// as it is (except this provider's across namespaces), else the unqualified
    /// <c>namespace-name</c> of this provider.
    /// </summary>
    public static string? Reference(CrdProviderOptions options, string parentNs, string? ns, string name, out string? error)
    {
        error = null;
        if (name.Contains('@'))
        {
            if (!options.AllowCrossNamespace && name.EndsWith("@" + Provider, StringComparison.Ordinal))
            {
                error = "when allowCrossNamespace is disabled, @kubernetescrd references are disallowed";
                return null;
            }
            return name;
        }
        ns = string.IsNullOrEmpty(ns) ? parentNs : ns;
        if (!options.AllowCrossNamespace && ns != parentNs)
        {
            error = "allowCrossNamespace is disabled, cross-namespace are disallowed";
            return null;
        }
        return Naming.Normalize(ns + "-" + name);
    }

    /// <summary>Traefik's makeMiddlewareKeys.</summary>
    public static List<string>? Middlewares(CrdProviderOptions options, string parentNs, List<ObjectRef>? refs, out string? error)
    {
        error = null;
        if (refs is null) return null;
        var keys = new List<string>();
        foreach (var m in refs)
        {
            if (Reference(options, parentNs, m.Namespace, m.Name, out var why) is not { } key)
            {
                error = $"invalid reference to middleware {m.Name}: {why}";
                return null;
            }
            keys.Add(key);
        }
        return keys.Count == 0 ? null : keys;
    }

    /// <summary>The port as Go's intstr prints it: the number, or the name; "" when unset (0 or "").</summary>
    public static string PortText(JsonElement? port) => port switch
    {
        { ValueKind: JsonValueKind.Number } p when p.TryGetInt32(out var n) => n == 0 ? "" : n.ToString(System.Globalization.CultureInfo.InvariantCulture),
        { ValueKind: JsonValueKind.String } p => p.GetString() ?? "",
        _ => "",
    };

    /// <summary>Traefik's fullServiceName: namespace-name-port, namespace-name, or a cross-provider name@provider.</summary>
    public static string FullServiceName(string ns, string name, string port)
    {
        if (port.Length > 0) return Naming.Normalize($"{ns}-{name}-{port}");
        if (!name.Contains('@')) return Naming.Normalize($"{ns}-{name}");
        int at = name.LastIndexOf('@');
        var (svc, provider) = (name[..at], name[(at + 1)..]);
        if (provider == Provider) return Naming.Normalize($"{ns}-{svc}");
        return Naming.Normalize(svc) + "@" + provider;
    }
}
