using System.Net;
using System.Text.Json.Nodes;
using k8s.Models;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// <see cref="WildcardTenancyScenario"/> against artifacts/edge (issue 20), from outside: which
/// backend answered, which certificate the handshake returned, /api/rawdata, the Events written to
/// the fake API server and the log.
/// </summary>
[NotInParallel("edge-e2e")]
public class WildcardTenancyEndToEndTests
{
    private const string DefaultCert = "CN=TRAEFIK DEFAULT CERT";

    private static async Task<DataPlaneFixture> Start()
    {
        var f = await WildcardTenancyScenario.StartAsync();
        await f.Edge.WaitForRawDataAsync(r => r.Contains("team-b-wild-") && r.Contains("team-a-deep-") && r.Contains("team-b-dot-"));
        return f;
    }

    /// <summary>Which backend answered (or the status when none did) and the certificate's subject.</summary>
    private static async Task<(string Backend, string Subject)> Get(DataPlaneFixture f, string host, string path)
    {
        var (response, subject) = await TlsEndToEndTests.GetAsync(f.Edge.WebPort, host, path);
        using var _ = response;
        if (response.StatusCode != HttpStatusCode.OK) return (((int)response.StatusCode).ToString(), subject);
        return (JsonNode.Parse(await response.Content.ReadAsStringAsync())!["backend"]!.GetValue<string>(), subject);
    }

    private static async Task<Dictionary<string, JsonNode>> Routers(DataPlaneFixture f, string prefix)
    {
        var raw = JsonNode.Parse(await f.Edge.GetStringAsync("/api/rawdata"))!;
        return raw["routers"]!.AsObject().Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value!);
    }

    [Test]
    public async Task A_wildcard_never_captures_a_host_another_tenant_owns_exactly()
    {
        await using var f = await Start();
        for (int i = 0; i < 5; i++)
        {
            // app.* is older than the wildcard, late.* younger: exact beats wildcard either way.
            await Assert.That((await Get(f, "app.a.example.com", "/admin")).Backend).IsEqualTo("a");
            await Assert.That((await Get(f, "app.a.example.com", "/admin/users")).Backend).IsEqualTo("a");
            await Assert.That((await Get(f, "late.a.example.com", "/admin")).Backend).IsEqualTo("a");
        }
        await Assert.That(f.B.Requests).IsEqualTo(0);
        // The wildcard still serves the names nobody owns exactly.
        await Assert.That((await Get(f, "other.a.example.com", "/admin")).Backend).IsEqualTo("b");
        await Assert.That((await Get(f, "other.a.example.com", "/")).Backend).IsEqualTo("b");

        // /api/rawdata: served with a warning naming what it does not serve.
        var wild = await Routers(f, "team-b-wild-");
        await Assert.That(wild.Count).IsEqualTo(2);
        foreach (var router in wild.Values)
        {
            await Assert.That(router["status"]!.GetValue<string>()).IsEqualTo("warning");
            await Assert.That(router["error"]![0]!.GetValue<string>()).IsEqualTo(
                "host \"app.a.example.com\" belongs to namespace \"team-a\" (Ingress team-a/app claims it exactly); "
                + "host \"late.a.example.com\" belongs to namespace \"team-a\" (Ingress team-a/late claims it exactly)");
        }

        // The wildcard's tenant is told in its own namespace.
        var ev = await f.WaitForEventAsync("team-b", "wild", "HostConflict");
        await Assert.That(ev.Type).IsEqualTo("Warning");
        await Assert.That(ev.InvolvedObject.Uid).IsEqualTo("team-b-wild");
        await Assert.That(ev.Message).StartsWith("rules for host \"*.a.example.com\" are served except for names other namespaces own: host \"app.a.example.com\"");
        await Assert.That(f.Api.List<Corev1Event>("team-a").Count).IsEqualTo(0);
    }

    [Test]
    public async Task A_trailing_dot_is_the_same_claim_and_an_invalid_host_is_skipped_with_the_Ingress_named()
    {
        await using var f = await Start();
        await Assert.That((await Get(f, "app.a.example.com", "/admin")).Backend).IsEqualTo("a");
        await Assert.That((await Get(f, "app.a.example.com.", "/admin")).Backend).IsEqualTo("a");
        var dot = (await Routers(f, "team-b-dot-")).Values.Single();
        await Assert.That(dot["status"]!.GetValue<string>()).IsEqualTo("disabled");
        await Assert.That(dot["error"]![0]!.GetValue<string>())
            .IsEqualTo("host \"app.a.example.com\" belongs to namespace \"team-a\" (Ingress team-a/app claimed it first)");
        await f.WaitForEventAsync("team-b", "dot", "HostConflict");

        await Assert.That((await Routers(f, "team-b-bad-")).Count).IsEqualTo(0);
        await Assert.That(f.Edge.Output).Contains("Ingress team-b/bad: Skipping rule for host \"evil_host.a.example.com\": not a valid host name");
    }

    [Test]
    public async Task A_wildcard_certificate_is_offered_only_for_names_its_tenant_owns()
    {
        await using var f = await Start();
        var app = await Get(f, "app.a.example.com", "/");
        await Assert.That(app).IsEqualTo(("a", DefaultCert));   // team-a owns it and has no certificate
        await Assert.That((await Get(f, "late.a.example.com", "/")).Subject).IsEqualTo(DefaultCert);
        await Assert.That(await Get(f, "other.a.example.com", "/")).IsEqualTo(("b", "CN=team-b"));
    }

    [Test]
    public async Task When_the_exact_owner_is_deleted_the_wildcard_takes_the_name_and_its_certificate()
    {
        await using var f = await Start();
        await Assert.That((await Get(f, "app.a.example.com", "/admin")).Backend).IsEqualTo("a");
        await Assert.That(f.Api.Delete<V1Ingress>("team-a", "app")).IsTrue();
        await f.Edge.WaitForRawDataAsync(r => !r.Contains("team-a-app-"));
        await Assert.That(await Get(f, "app.a.example.com", "/admin")).IsEqualTo(("b", "CN=team-b"));
        // team-b's trailing-dot copy is now the only claim of the name: it is served.
        var dot = (await Routers(f, "team-b-dot-")).Values.Single();
        await Assert.That(dot["status"]!.GetValue<string>()).IsEqualTo("enabled");
        var wild = (await Routers(f, "team-b-wild-")).Values.First();
        await Assert.That(wild["error"]![0]!.GetValue<string>()).IsEqualTo("host \"late.a.example.com\" belongs to namespace \"team-a\" (Ingress team-a/late claims it exactly)");
        await Assert.That((await Get(f, "late.a.example.com", "/admin")).Backend).IsEqualTo("a");
    }

    [Test]
    public async Task Wildcards_of_different_depth_each_own_exactly_one_label()
    {
        await using var f = await Start();
        await Assert.That((await Get(f, "x.a.example.net", "/")).Backend).IsEqualTo("a");   // *.a.example.net
        await Assert.That((await Get(f, "a.example.net", "/")).Backend).IsEqualTo("b");     // *.example.net
        await Assert.That((await Get(f, "y.example.net", "/")).Backend).IsEqualTo("b");
        await Assert.That((await Get(f, "y.x.a.example.net", "/")).Backend).IsEqualTo("404");   // neither: one label each
        await Assert.That((await Routers(f, "team-b-wide-")).Values.Single()["status"]!.GetValue<string>()).IsEqualTo("enabled");
        await Assert.That((await Routers(f, "team-a-deep-")).Values.Single()["status"]!.GetValue<string>()).IsEqualTo("enabled");
    }
}
