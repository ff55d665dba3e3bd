using System.Text.Json.Nodes;
using k8s.Models;

namespace Edge.Tests.EndToEnd;

/// <summary>Small Kubernetes objects for end-to-end scenarios.</summary>
public static class K8s
{
    public static V1Ingress Ingress(string ns, string name, string? host, string path, string service, int port,
        string pathType = "Prefix", IDictionary<string, string>? annotations = null, string? secret = null) => new()
    {
        ApiVersion = "networking.k8s.io/v1", Kind = "Ingress",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Annotations = annotations },
        Spec = new V1IngressSpec
        {
            Tls = secret is null ? null : [new V1IngressTLS { SecretName = secret, Hosts = host is null ? null : [host] }],
            Rules =
            [
                new V1IngressRule
                {
                    Host = host,
                    Http = new V1HTTPIngressRuleValue
                    {
                        Paths =
                        [
                            new V1HTTPIngressPath
                            {
                                Path = path, PathType = pathType,
                                Backend = new V1IngressBackend
                                {
                                    Service = new V1IngressServiceBackend { Name = service, Port = new V1ServiceBackendPort { Number = port } },
                                },
                            },
                        ],
                    },
                },
            ],
        },
    };

    public static V1Service Service(string ns, string name, int port, string? portName = null, IDictionary<string, string>? annotations = null) => new()
    {
        ApiVersion = "v1", Kind = "Service",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Annotations = annotations },
        Spec = new V1ServiceSpec { Type = "ClusterIP", ClusterIP = "10.96.0.10", Ports = [new V1ServicePort { Port = port, Name = portName, Protocol = "TCP" }] },
    };

    /// <summary>An EndpointSlice for <paramref name="service"/>; addresses are loopback in data-plane tests.</summary>
    public static V1EndpointSlice Slice(string ns, string service, int port, string? portName, params string[] addresses) => new()
    {
        ApiVersion = "discovery.k8s.io/v1", Kind = "EndpointSlice",
        Metadata = new V1ObjectMeta
        {
            Name = service + "-abc", NamespaceProperty = ns,
            Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = service },
        },
        AddressType = "IPv4",
        Ports = [new Discoveryv1EndpointPort { Port = port, Name = portName ?? "", Protocol = "TCP" }],
        Endpoints = addresses.Select(a => new V1Endpoint { Addresses = [a], Conditions = new V1EndpointConditions { Ready = true, Serving = true } }).ToList(),
    };

    /// <summary>A Traefik CRD object (Middleware, TLSOption, IngressRoute, ...) of traefik.io/v1alpha1 with <paramref name="spec"/> as JSON.</summary>
    public static JsonObject Crd(string kind, string ns, string name, string spec) => new()
    {
        ["apiVersion"] = "traefik.io/v1alpha1",
        ["kind"] = kind,
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = JsonNode.Parse(spec),
    };

    /// <summary>A Traefik Middleware object.</summary>
    public static JsonObject Middleware(string ns, string name, string spec) => Crd("Middleware", ns, name, spec);
}
