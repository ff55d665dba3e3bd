using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Edge.Tests.FakeApi;
using Edge.Tests.Support;
using k8s.Models;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// ACME with several replicas (what Traefik Proxy cannot do): two artifacts/edge processes against
/// one fake API server, leader election on, <c>storage=kubernetes:edge-acme</c>, and Debian's pebble
/// validating for real. Pebble's HTTP-01 validation goes to the replica that did NOT order (its
/// httpPort is that replica's web entry point); the leader's published challenge Secret lets it
/// answer. Both replicas then serve the same certificate (same serial in the handshake) from the
/// kubernetes.io/tls Secret; the leader is killed and the survivor takes the Lease over and renews
/// the short-lived certificate from the Secrets (same account, no new registration).
/// </summary>
[NotInParallel("edge-e2e")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AcmeReplicasEndToEndTests : IDisposable
{
    private const string Host = "app.acme.test", Ns = "edge-system";   // deploy/acme's storage and Lease namespace
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-acme-ha-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed record Ports(int Web, int Tls, int Api);

    private Task<EdgeProcess> ReplicaAsync(string name, Ports p, FakeApiServer api, Pebble pebble, string dynamicFile) =>
        EdgeProcess.StartExactAsync([
            $"--entrypoints.web.address=127.0.0.1:{p.Web}", $"--entrypoints.websecure.address=127.0.0.1:{p.Tls}",
            $"--entrypoints.traefik.address=127.0.0.1:{p.Api}", "--api.insecure=true", "--ping=true", "--log.level=DEBUG", "--metrics.prometheus=true",
            $"--providers.kubernetesingress.endpoint={api.Url}", $"--providers.kubernetesingress.token=token-{name}",
            "--providers.providersThrottleDuration=0s", $"--providers.file.filename={dynamicFile}",
            "--leaderelection.enabled=true", "--leaderelection.namespace=edge-system",
            "--leaderelection.leaseduration=3s", "--leaderelection.renewdeadline=2s", "--leaderelection.retryperiod=250ms",
            $"--certificatesresolvers.pebble.acme.caserver={pebble.DirectoryUrl}",
            $"--certificatesresolvers.pebble.acme.cacertificates={pebble.ApiCertificateFile}",
            $"--certificatesresolvers.pebble.acme.storage=kubernetes:{Ns}",
            "--certificatesresolvers.pebble.acme.email=ops@acme.test", "--certificatesresolvers.pebble.acme.keytype=EC256",
            "--certificatesresolvers.pebble.acme.httpchallenge.entrypoint=web",
            // 10-minute certificates with certificatesDuration=1 (hour): due for renewal at once, checked every minute.
            "--certificatesresolvers.pebble.acme.certificatesduration=1",
        ], p.Web, p.Api, new Dictionary<string, string> { ["POD_NAME"] = name });

    private static async Task<X509Certificate2?> LeafAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        X509Certificate2? leaf = null;
        await using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = Host,
            RemoteCertificateValidationCallback = (_, cert, _, _) =>
            {
                leaf = cert is null ? null : X509CertificateLoader.LoadCertificate(cert.GetRawCertData());
                return true;
            },
        });
        return leaf;
    }

    private static Task<string> WaitForSerialAsync(int port, Func<string, bool> accept, Func<string> describe, int seconds = 60) =>
        Eventually.UntilAsync(async () =>
        {
            var leaf = await LeafAsync(port);
            return leaf is null || leaf.Subject.Contains("TRAEFIK DEFAULT CERT") ? "" : leaf.SerialNumber;
        }, s => s.Length > 0 && accept(s), TimeSpan.FromSeconds(seconds), _ => describe());

    private static List<Corev1Event> Events(FakeApiServer api, string reason) =>
        api.List<Corev1Event>(Ns).Where(e => e.Reason == reason).ToList();

    private static Task<string> WaitForHolderAsync(FakeApiServer api, string prefix) =>
        Eventually.FoundAsync(() => api.Get<V1Lease>("edge-system", "edge")?.Spec?.HolderIdentity is { Length: > 0 } h
                && h.StartsWith(prefix + "_", StringComparison.Ordinal) ? h : null,
            TimeSpan.FromSeconds(15), () => "lease holder: " + api.Get<V1Lease>("edge-system", "edge")?.Spec?.HolderIdentity);

    /// <summary>Every request both replicas made is allowed by deploy/acme: the ClusterRole, or a Role of edge-system.</summary>
    private static async Task AssertAllowedByDeployAcmeAsync(FakeApiServer api)
    {
        var objects = Deploy.KustomizeRenderer.Render(Path.Combine(RepoPaths.Root, "deploy", "acme"));
        var clusterRole = objects.Single(o => (string)o["kind"]! == "ClusterRole");
        var roles = objects.Where(o => (string)o["kind"]! == "Role" && (string?)o["metadata"]!["namespace"] == Ns).ToList();
        var args = objects.Single(o => (string)o["kind"]! == "Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!
            .AsArray().Select(a => (string)a!).ToList();
        await Assert.That(args).Contains($"--certificatesresolvers.letsencrypt.acme.storage=kubernetes:{Ns}");
        await Assert.That(args).Contains("--leaderelection.enabled=true");
        var accesses = api.Requests.Select(Deploy.RbacCoverageTests.Classify).OfType<Deploy.RbacCoverageTests.Access>().Distinct().ToList();
        foreach (var verb in new[] { "list", "watch", "create", "delete" })
            await Assert.That(accesses.Any(a => a.Resource == "secrets" && a.Verb == verb && a.Namespace == Ns)).IsTrue().Because($"secrets {verb} exercised");
        foreach (var a in accesses)
            await Assert.That(Deploy.RbacCoverageTests.Allows(clusterRole, a) || (a.Namespace == Ns && roles.Any(r => Deploy.RbacCoverageTests.Allows(r, a))))
                .IsTrue().Because($"{a} must be allowed by deploy/acme");
    }

    [Test]
    public async Task The_replica_that_did_not_order_answers_both_serve_the_certificate_and_a_survivor_renews()
    {
        if (!Pebble.Installed) throw new InvalidOperationException("pebble is not installed (.ci/run installs it)");
        await using var backend = await EchoBackend.StartAsync("app");
        await using var api = await FakeApiServer.StartAsync();
        var first = new Ports(FreePort.Get(), FreePort.Get(), FreePort.Get());
        var second = new Ports(FreePort.Get(), FreePort.Get(), FreePort.Get());
        // Pebble validates on the second replica's entry points only.
        await using var pebble = await Pebble.StartAsync(_dir, httpPort: second.Web, tlsPort: second.Tls, validitySeconds: 600);
        var file = Path.Combine(_dir, "dynamic.yaml");
        File.WriteAllText(file, "http: {}\n");

        await using var one = await ReplicaAsync("replica-1", first, api, pebble, file);
        await WaitForHolderAsync(api, "replica-1");
        await using var two = await ReplicaAsync("replica-2", second, api, pebble, file);
        string Logs() => $"replica-1:\n{one.Output}\n----\nreplica-2:\n{two.Output}\n----\npebble:\n{pebble.Output}";
        await Eventually.UntilAsync(() => two.Output.Contains("ACME resolver ready"), TimeSpan.FromSeconds(10), Logs);
        // Now the router: replica-1 (the leader) orders, pebble asks replica-2.
        File.WriteAllText(file, $$"""
            http:
              routers:
                app:
                  rule: Host(`{{Host}}`)
                  entryPoints: [websecure]
                  service: app
                  tls:
                    certResolver: pebble
              services:
                app:
                  loadBalancer:
                    servers:
                      - url: http://127.0.0.1:{{backend.Port}}
            """);

        var serial = await WaitForSerialAsync(first.Tls, _ => true, Logs);
        await Assert.That(await WaitForSerialAsync(second.Tls, s => s == serial, Logs)).IsEqualTo(serial);
        await Assert.That(one.Output).Contains("Obtaining ACME certificate").And.Contains("app@file");
        await Assert.That(two.Output).DoesNotContain("Obtaining ACME certificate");
        await Assert.That(two.Output).Contains("Answering the HTTP-01 challenge");
        await Assert.That(one.Output).DoesNotContain("Answering the HTTP-01 challenge");
        var secrets = api.List<V1Secret>(Ns);
        var tls = secrets.Where(s => s.Type == "kubernetes.io/tls").ToList();
        await Assert.That(tls.Count).IsEqualTo(1);
        await Assert.That(tls[0].Metadata.Annotations["edge.acme/domains"]).IsEqualTo(Host);
        using (var stored = X509Certificate2.CreateFromPem(System.Text.Encoding.UTF8.GetString(tls[0].Data["tls.crt"])))
            await Assert.That(stored.SerialNumber).IsEqualTo(serial);
        await Assert.That(secrets.Count(s => s.Metadata.Labels["edge.acme/kind"] == "account")).IsEqualTo(1);
        await Assert.That(secrets.Count(s => s.Metadata.Labels["edge.acme/kind"] == "challenge")).IsEqualTo(0);   // withdrawn
        // Only the leader wrote Secrets.
        var writers = api.Requests.Where(r => r.Method is "PUT" or "POST" or "DELETE" && r.Path.Contains("/secrets"))
            .Select(r => r.Authorization).Distinct().ToList();
        await Assert.That(writers).IsEquivalentTo(new string?[] { "Bearer token-replica-1" });
        await AssertAllowedByDeployAcmeAsync(api);
        // The order is counted and recorded as an Event on the certificate's Secret, by the leader.
        await Assert.That(await one.GetStringAsync("/metrics"))
            .Contains($"edge_acme_orders_total{{resolver=\"pebble\",domains=\"{Host}\",kind=\"new\",result=\"success\"}} 1");
        await Assert.That(await two.GetStringAsync("/metrics")).DoesNotContain("edge_acme_orders_total{");
        await Eventually.UntilAsync(() => Events(api, "CertificateObtained").Count == 1, TimeSpan.FromSeconds(10), Logs);
        var obtained = Events(api, "CertificateObtained")[0];
        await Assert.That(obtained.InvolvedObject.Name).IsEqualTo(tls[0].Metadata.Name);
        await Assert.That(obtained.Message).Contains(Host).And.Contains("app@file");

        // The leader dies (no release): the survivor takes the Lease over and renews from the Secrets.
        Process.GetProcessById(one.Pid).Kill();
        await WaitForHolderAsync(api, "replica-2");
        var renewed = await WaitForSerialAsync(second.Tls, s => s != serial, Logs, seconds: 90);
        await Assert.That(renewed).IsNotEqualTo(serial);
        await Assert.That(two.Output).Contains("ACME resolver orders and renews as the leader").And.Contains("Renewing ACME certificate");
        await Assert.That(two.Output).DoesNotContain("ACME account registered");   // the account came from its Secret
        await Assert.That(await two.GetStringAsync("/metrics"))
            .Contains($"edge_acme_orders_total{{resolver=\"pebble\",domains=\"{Host}\",kind=\"renewal\",result=\"success\"}}");
        await Eventually.UntilAsync(() => Events(api, "CertificateRenewed").Any(e => e.ReportingInstance.StartsWith("replica-2_", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), Logs);
        var after = api.List<V1Secret>(Ns).Where(s => s.Type == "kubernetes.io/tls").ToList();
        await Assert.That(after.Count).IsEqualTo(1);   // replaced, not added
        using var renewedStored = X509Certificate2.CreateFromPem(System.Text.Encoding.UTF8.GetString(after[0].Data["tls.crt"]));
        await Assert.That(renewedStored.SerialNumber).IsEqualTo(renewed);
    }
}
