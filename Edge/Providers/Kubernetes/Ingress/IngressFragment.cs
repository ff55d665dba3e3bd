using Edge.Model;
using k8s.Models;

namespace Edge.Providers.Kubernetes.Ingress;

/// <summary>
/// What one Ingress contributes to the dynamic configuration, computed from that Ingress and the
/// objects it names alone: its routers, the services and certificates it loaded, and its issues.
/// Merging fragments in Ingress order gives the same configuration as Traefik's single pass
/// (first service or certificate of a name wins, a later router of the same key replaces an
/// earlier one), which is what lets <see cref="TranslationMemo"/> reuse a fragment.
/// </summary>
public sealed class IngressFragment
{
    public required V1Ingress Ingress { get; init; }

    /// <summary>Issues found before the default backend is considered (annotations, TLS).</summary>
    public List<TranslationIssue> IssuesBefore { get; } = new();

    /// <summary>Issues of the rules and paths.</summary>
    public List<TranslationIssue> IssuesAfter { get; } = new();

    /// <summary>Set when annotations failed to parse or a cross-provider reference was refused: nothing else is used.</summary>
    public bool Skipped { get; set; }

    public RouterAnnotations? RouterConfig { get; set; }

    /// <summary>spec.defaultBackend of an Ingress without rules: added at merge time (one per configuration).</summary>
    public V1IngressBackend? DefaultBackend { get; set; }

    public List<(string Key, CertAndStores Certificate)> Certificates { get; } = new();

    public List<(string Name, Service Service)> Services { get; } = new();

    /// <summary>Routers in rule order; a key with several routers is disambiguated by rule hash at merge.</summary>
    public List<(string Key, List<Router> Routers)> Routers { get; } = new();
}
