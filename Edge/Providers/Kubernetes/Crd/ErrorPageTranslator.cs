using System.Text.Json;
using Edge.Configuration;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Ingress;
using k8s.Models;

namespace Edge.Providers.Kubernetes.Crd;

/// <summary>
/// Traefik's createErrorPageMiddleware: the spec's service (a Kubernetes Service and port in the
/// Middleware's namespace, or another with allowCrossNamespace) becomes a service of this
/// provider named <c>namespace-name-errorpage-service</c>, with the Service's ready endpoints as
/// servers, and the middleware names it.
/// </summary>
internal static class ErrorPageTranslator
{
    private static readonly HashSet<string> Fields = new(StringComparer.Ordinal) { "status", "statusRewrites", "service", "query", "errorRequestHeaders" };
    private static readonly HashSet<string> ServiceFields = new(StringComparer.Ordinal) { "name", "namespace", "port", "kind" };

    public static ErrorPageConfig? Translate(ClusterSnapshot snapshot, CrdProviderOptions options, string ns, string id, JsonElement spec,
        IDictionary<string, Service>? services, out string? error)
    {
        error = null;
        var unserved = UnservedFields.Of(spec, Fields, "errors").ToList();
        spec.TryGetProperty("service", out var svc);
        if (svc.ValueKind == JsonValueKind.Object) unserved.AddRange(UnservedFields.Of(svc, ServiceFields, "errors.service"));
        if (unserved.Count > 0)
        {
            error = $"{string.Join(", ", unserved)}: not supported by Edge, the middleware is not served without {(unserved.Count == 1 ? "it" : "them")}";
            return null;
        }
        var config = new ErrorPageConfig();
        if (spec.TryGetProperty("status", out var st) && st.ValueKind == JsonValueKind.Array)
            config.Status = st.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText()).ToList();
        if (spec.TryGetProperty("statusRewrites", out var rw) && rw.ValueKind == JsonValueKind.Object)
        {
            config.StatusRewrites = new SortedDictionary<string, int>(StringComparer.Ordinal);
            foreach (var p in rw.EnumerateObject()) config.StatusRewrites[p.Name] = p.Value.GetInt32();
        }
        if (spec.TryGetProperty("query", out var q) && q.ValueKind == JsonValueKind.String && q.GetString() is { Length: > 0 } query) config.Query = query;
        if (spec.TryGetProperty("errorRequestHeaders", out var rh) && rh.ValueKind == JsonValueKind.Array)
            config.ErrorRequestHeaders = rh.EnumerateArray().Select(e => e.GetString() ?? "").ToList();

        string Str(string key) => svc.ValueKind == JsonValueKind.Object && svc.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";
        var kind = Str("kind");
        if (kind is not ("" or "Service")) { error = $"errors.service.kind {kind}: not supported by Edge (only Kubernetes Services)"; return null; }
        var name = Str("name");
        var serviceNs = Str("namespace");
        if (serviceNs.Length == 0) serviceNs = ns;
        // Tenancy: the page service is the tenant's own, whatever allowCrossNamespace says.
        if (options.Tenancy is not null && TenantReferences.ErrorsService(ns, serviceNs, name) is { } foreign)
        {
            error = foreign;
            return null;
        }
        if (!options.AllowCrossNamespace && serviceNs != ns)
        {
            error = $"service {serviceNs}/{name} not in the parent resource namespace {ns}";
            return null;
        }
        var port = new V1ServiceBackendPort();
        if (svc.ValueKind == JsonValueKind.Object && svc.TryGetProperty("port", out var pv))
        {
            if (pv.ValueKind == JsonValueKind.Number) port.Number = pv.GetInt32();
            else if (pv.ValueKind == JsonValueKind.String) { if (int.TryParse(pv.GetString(), out var n)) port.Number = n; else port.Name = pv.GetString(); }
        }
        var providerOptions = new ProviderOptions
        {
            AllowEmptyServices = options.AllowEmptyServices, AllowExternalNameServices = options.AllowExternalNameServices,
            NativeLBByDefault = options.NativeLBByDefault, DisableClusterScopeResources = options.DisableClusterScopeResources,
        };
        try
        {
            var service = ServiceLoader.Load(snapshot, providerOptions, serviceNs, new V1IngressServiceBackend { Name = name, Port = port });
            config.Service = id + "-errorpage-service";
            if (services is not null) services[config.Service] = service;
        }
        catch (TranslationException e)
        {
            error = $"errors.service {serviceNs}/{name}: {e.Message}";
            return null;
        }
        return config;
    }
}
