// Annotation names and Event reasons are written as users write them (string literals, not
// Edge's constants), so renaming one in Edge breaks this test as it would break users.
using Edge.Tests.FakeApi;
using Edge.Tests.Providers.Kubernetes.Ingress.Tenancy;
using Edge.Tests.Support;
using Edge.Tests.Tenancy;
using k8s.Models;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// Two tenants sharing one edge (with --tenancy.enabled), seeded into the fake API server:
/// <list type="bullet">
/// <item>team-a (backend "a", 127.0.0.2) owns shop.example.com since T0 and api.a.example.com, with a
/// certificate for both; its Namespace allows only its hosts and caps it at 2 requests in flight.</item>
/// <item>team-b (backend "b", 127.0.0.3) has blog.example.com, but also claims shop.example.com an hour
/// later (rules and tls.hosts), ships a certificate that covers shop.example.com, and declares a
/// default backend (a catch-all for every tenant's unknown hosts). Its Namespace caps it at 20 req/s.</item>
/// <item>infra (backend "infra", 127.0.0.4) holds the sanctioned default backend.</item>
/// </list>
/// </summary>
public static class TwoTenantScenario
{
    public static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    public const int TeamBRate = 20;

    public static readonly (string Cert, string Key) CertA = TlsEndToEndTests.SelfSigned("team-a", "shop.example.com", "*.a.example.com");
    public static readonly (string Cert, string Key) CertB = TlsEndToEndTests.SelfSigned("team-b", "blog.example.com", "shop.example.com");

    public static string[] EdgeArgs(params string[] more) =>
        ["--tenancy.enabled=true", "--tenancy.defaultBackendNamespaces=infra", .. more];

    /// <summary>Starts the fixture; <paramref name="infra"/> is the sanctioned default backend's server.</summary>
    public static Task<DataPlaneFixture> StartAsync(EchoBackend infra, params string[] edgeArgs) =>
        DataPlaneFixture.StartAsync((api, port) => Seed(api, port, infra), EdgeArgs(edgeArgs));

    public static void Seed(FakeApiServer api, int port, EchoBackend infra)
    {
        api.Upsert(TenancyPolicyTests.Ns("team-a", new()
        {
            ["edge.io/allowed-hosts"] = "shop.example.com,*.a.example.com",
            ["edge.io/max-concurrent-requests"] = "2",
        }));
        api.Upsert(TenancyPolicyTests.Ns("team-b", new() { ["edge.io/rate-limit"] = TeamBRate.ToString() }));
        api.Upsert(TenancyPolicyTests.Ns("infra"));

        api.Upsert(K8s.Service("team-a", "web", 80, "http"));
        api.Upsert(K8s.Slice("team-a", "web", port, "http", "127.0.0.2"));
        api.Upsert(TlsEndToEndTests.TlsSecret("team-a", "cert", CertA));
        api.Upsert(Tls(TenancyPolicyTests.Ing("team-a", "shop", "shop.example.com", T0, secret: "cert")));
        api.Upsert(Tls(TenancyPolicyTests.Ing("team-a", "api", "api.a.example.com", T0, secret: "cert")));

        api.Upsert(K8s.Service("team-b", "web", 80, "http"));
        api.Upsert(K8s.Slice("team-b", "web", port, "http", "127.0.0.3"));
        api.Upsert(TlsEndToEndTests.TlsSecret("team-b", "cert", CertB));
        api.Upsert(Tls(TenancyPolicyTests.Ing("team-b", "blog", "blog.example.com", T0, secret: "cert")));
        api.Upsert(Tls(TenancyPolicyTests.Ing("team-b", "shop-copy", "shop.example.com", T0.AddHours(1), secret: "cert")));
        api.Upsert(TenancyPolicyTests.DefaultBackend("team-b", "web"));

        api.Upsert(K8s.Service("infra", "errors", 80, "http"));
        api.Upsert(K8s.Slice("infra", "errors", infra.Port, "http", infra.Address));
        api.Upsert(TenancyPolicyTests.DefaultBackend("infra", "errors"));
    }

    /// <summary>
    /// A keep-alive HTTPS client for any host name through edge's web port (TLS and plain HTTP
    /// share it): the URL's host is the SNI and the Host header; the certificate is not checked.
    /// </summary>
    public static HttpClient HttpsClient(int port) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, ct) =>
        {
            var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
            await s.ConnectAsync(System.Net.IPAddress.Loopback, port, ct);
            return new System.Net.Sockets.NetworkStream(s, ownsSocket: true);
        },
        SslOptions = new System.Net.Security.SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        MaxConnectionsPerServer = 64,
    }) { Timeout = TimeSpan.FromSeconds(10) };

    private static V1Ingress Tls(V1Ingress i)
    {
        i.Metadata.Annotations["traefik.ingress.kubernetes.io/router.tls"] = "true";
        return i;
    }
}
