using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Edge.Tests.FakeApi;
using k8s;
using k8s.Models;

namespace Edge.Tests.FakeApiProtocol;

/// <summary>Builders shared by the fake apiserver tests: real clients and small objects.</summary>
internal static class FakeApiTestSupport
{
    public static k8s.Kubernetes Client(FakeApiServer server, string? token = null) => new(new KubernetesClientConfiguration
    {
        Host = server.Url,
        AccessToken = token,
        SslCaCerts = server.CaCertificate is { } ca ? new X509Certificate2Collection(ca) : null,
    });

    public static V1Ingress Ingress(string ns, string name, IDictionary<string, string>? labels = null, string host = "a.example") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
        Spec = new V1IngressSpec
        {
            IngressClassName = "edge",
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
                                Path = "/",
                                PathType = "Prefix",
                                Backend = new V1IngressBackend
                                {
                                    Service = new V1IngressServiceBackend { Name = "web", Port = new V1ServiceBackendPort { Number = 80 } },
                                },
                            },
                        ],
                    },
                },
            ],
        },
    };

    public static V1Service Service(string ns, string name, IDictionary<string, string>? labels = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
        Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80, TargetPort = 8080 }] },
    };

    public static string WatchUrl(FakeApiServer server, string path, string query) => $"{server.Url}{path}?watch=true&{query}";

    public static async Task<JsonObject> GetJsonAsync(HttpClient http, string url) =>
        JsonNode.Parse(await http.GetStringAsync(url))!.AsObject();

    public static string Rv(JsonObject watchEvent) => (string)watchEvent["object"]!["metadata"]!["resourceVersion"]!;

    public static string Name(JsonObject watchEvent) => (string)watchEvent["object"]!["metadata"]!["name"]!;
}
