using System.Text.Json;
using Edge.Configuration;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;

namespace Edge.Providers.Kubernetes.Crd;

/// <summary>
/// Traefik's TraefikService kind (buildTraefikService) as a pure function: weighted, mirroring or
/// failover services named <c>namespace-name</c>, their Kubernetes children beside them. One that
/// cannot be built is left out with an issue naming it, as Traefik does: the routers that use it
/// then name a service that does not exist and are not served.
/// </summary>
public static class TraefikServiceTranslator
{
    public static void Translate(ClusterSnapshot snapshot, CrdProviderOptions options, SortedDictionary<string, Service> services, List<TranslationIssue> issues)
    {
        var builder = new CrdServiceBuilder(snapshot, options);
        foreach (var ts in snapshot.TraefikServices)
        {
            var ns = ts.Metadata?.NamespaceProperty ?? "";
            var name = ts.Metadata?.Name ?? "";
            var id = Naming.Normalize(CrdNames.MakeId(ns, name));
            var error = Build(builder, ts.Spec, ns, id, services);
            if (error is not null) issues.Add(new TranslationIssue("TraefikService", ns, name, "Error while building TraefikService: " + error));
        }
    }

    private static string? Build(CrdServiceBuilder builder, JsonElement json, string ns, string id, SortedDictionary<string, Service> services)
    {
        if (json.ValueKind != JsonValueKind.Object) return "spec is missing or not an object";
        TraefikServiceSpec? spec;
        try { spec = json.Deserialize(CrdJsonContext.Default.TraefikServiceSpec); }
        catch (JsonException e) { return "invalid spec: " + e.Message; }
        if (spec is null) return "spec is missing";
        if (UnservedFields.Of(json, spec, CrdJsonContext.Default.TraefikServiceSpec, "spec") is { Count: > 0 } fields)
            return $"{string.Join(", ", fields)}: not supported by Edge, the service is not served without {(fields.Count == 1 ? "it" : "them")}";
        try
        {
            if (spec.Weighted is { } w) builder.Weighted(ns, w, id, services);
            else if (spec.Mirroring is { } m) builder.Mirroring(ns, m, id, services);
            else if (spec.Failover is { } f) builder.Failover(ns, f, id, services);
            else return "unspecified service type";
        }
        catch (CrdServiceException e)
        {
            return e.Message;
        }
        return null;
    }
}
