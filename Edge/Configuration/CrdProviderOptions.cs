using static Edge.Configuration.OptionValues;

namespace Edge.Configuration;

/// <summary>
/// Options of Traefik's providers.kubernetesCRD, with Traefik's names and defaults. Edge reads the
/// Middleware kind from it (and logs the route kinds it does not serve yet); both Kubernetes
/// providers share one API-server connection, the Ingress provider's settings winning where both are set.
/// </summary>
public sealed class CrdProviderOptions
{
    public string Endpoint { get; set; } = "";
    public string Token { get; set; } = "";
    public string CertAuthFilePath { get; set; } = "";
    public List<string> Namespaces { get; set; } = new();
    public string LabelSelector { get; set; } = "";
    public string IngressClass { get; set; } = "";
    public TimeSpan ThrottleDuration { get; set; } = TimeSpan.Zero;
    public bool AllowCrossNamespace { get; set; }
    public bool AllowEmptyServices { get; set; }
    public bool AllowExternalNameServices { get; set; }
    public bool NativeLBByDefault { get; set; }
    public bool DisableClusterScopeResources { get; set; }
    /// <summary>tenancy.enabled: the tenancy options (set from the Ingress provider's); null outside tenancy mode.</summary>
    public TenancyOptions? Tenancy { get; set; }

    private const string P = "providers.kubernetesCRD.";

    /// <summary>The option table entries, appended to <see cref="OptionRegistry"/>.</summary>
    public static IEnumerable<OptionSpec> Specs()
    {
        yield return new("providers.kubernetesCRD", OptionKind.Section, "false", "Enable Traefik's Kubernetes CRD provider (Edge serves its Middleware, IngressRoute, TraefikService, IngressRouteTCP and MiddlewareTCP kinds).",
            (c, _, v) => c.KubernetesCrdEnabled = Bool("providers.kubernetesCRD", v));
        yield return S("endpoint", OptionKind.String, "", "Kubernetes server endpoint (required for external cluster client).", (p, v) => p.Endpoint = v);
        yield return S("token", OptionKind.String, "", "Kubernetes bearer token (not needed for in-cluster client). A token value or a file path to the token.", (p, v) => p.Token = v);
        yield return S("certAuthFilePath", OptionKind.String, "", "Kubernetes certificate authority file path (not needed for in-cluster client).", (p, v) => p.CertAuthFilePath = v);
        yield return S("namespaces", OptionKind.List, "", "Kubernetes namespaces (default: all).", (p, v) => p.Namespaces = List(v));
        yield return S("labelSelector", OptionKind.String, "", "Kubernetes label selector to use.", (p, v) =>
        {
            if (!Edge.Configuration.LabelSelector.TryParse(v, out _, out var error))
                throw new ConfigException(P + "labelSelector", $"a Kubernetes label selector ({error}), got \"{v}\"");
            p.LabelSelector = v;
        });
        yield return S("ingressClass", OptionKind.String, "", "Value of the kubernetes.io/ingress.class annotation to watch for.", (p, v) => p.IngressClass = v);
        yield return S("throttleDuration", OptionKind.Duration, "0s", "Minimum time between two configurations of this provider.", (p, v) => p.ThrottleDuration = Duration(P + "throttleDuration", v));
        yield return S("allowCrossNamespace", OptionKind.Bool, "false", "Allow cross namespace resource reference.", (p, v) => p.AllowCrossNamespace = Bool(P + "allowCrossNamespace", v));
        yield return S("allowEmptyServices", OptionKind.Bool, "false", "Allow the creation of services without endpoints.", (p, v) => p.AllowEmptyServices = Bool(P + "allowEmptyServices", v));
        yield return S("allowExternalNameServices", OptionKind.Bool, "false", "Allow ExternalName services.", (p, v) => p.AllowExternalNameServices = Bool(P + "allowExternalNameServices", v));
        yield return S("nativeLBByDefault", OptionKind.Bool, "false", "Defines whether to use Native Kubernetes load-balancing mode by default.", (p, v) => p.NativeLBByDefault = Bool(P + "nativeLBByDefault", v));
        yield return S("disableClusterScopeResources", OptionKind.Bool, "false", "Disables the lookup of cluster scope resources.", (p, v) => p.DisableClusterScopeResources = Bool(P + "disableClusterScopeResources", v));
    }

    private static OptionSpec S(string name, OptionKind kind, string def, string desc, Action<CrdProviderOptions, string> apply) =>
        new(P + name, kind, def, desc, (c, _, v) => { c.KubernetesCrdEnabled = true; apply(c.KubernetesCrd, v); });
}
