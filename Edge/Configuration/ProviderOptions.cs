namespace Edge.Configuration;

/// <summary>Options of Traefik's providers.kubernetesIngress, with Traefik's names and defaults.</summary>
public sealed class ProviderOptions
{
    public string Endpoint { get; set; } = "";
    /// <summary>A token value, or a path to a file holding it (Traefik's FileOrContent).</summary>
    public string Token { get; set; } = "";
    public string CertAuthFilePath { get; set; } = "";
    public List<string> Namespaces { get; set; } = new();
    public string LabelSelector { get; set; } = "";
    public string IngressClass { get; set; } = "";
    public string IngressEndpointIp { get; set; } = "";
    public string IngressEndpointHostname { get; set; } = "";
    public string IngressEndpointPublishedService { get; set; } = "";
    public bool ReportNodeInternalIPs { get; set; }
    public TimeSpan ThrottleDuration { get; set; } = TimeSpan.Zero;
    public bool AllowEmptyServices { get; set; }
    public bool AllowExternalNameServices { get; set; }
    /// <summary>null = not set (no restriction), as Traefik distinguishes nil from empty.</summary>
    public List<string>? CrossProviderNamespaces { get; set; }
    public bool DisableIngressClassLookup { get; set; }
    public bool DisableClusterScopeResources { get; set; }
    public bool NativeLBByDefault { get; set; }
    public bool StrictPrefixMatching { get; set; }
    /// <summary>tenancy.enabled: certificates are only offered for hosts their own namespace declares.</summary>
    public bool TenancyEnabled { get; set; }
    /// <summary>The rest of the tenancy section (only read when <see cref="TenancyEnabled"/>).</summary>
    public TenancyOptions Tenancy { get; } = new();
    /// <summary>core.defaultRuleSyntax: "" (v3) or "v2".</summary>
    public string DefaultRuleSyntax { get; set; } = "";

    public bool HasIngressEndpoint =>
        IngressEndpointIp.Length > 0 || IngressEndpointHostname.Length > 0 || IngressEndpointPublishedService.Length > 0;
}
