using System.Text.Json.Nodes;
using Edge.Providers.Kubernetes.Ingress;
using Edge.Tests.Support;

namespace Edge.Tests.Conformance;

/// <summary>
/// The corpus cases whose Go tests assert only part of the configuration (crossProviderNamespaces,
/// reportNodeInternalIPs): the same partial assertions, on the case's fixture and options.
/// </summary>
public class PartialConformanceTests
{
    private static TranslationResult Run(string caseFile, out Edge.Configuration.ProviderOptions options, out Edge.Providers.Kubernetes.Client.ClusterSnapshot snapshot)
    {
        var c = JsonNode.Parse(File.ReadAllText(Path.Combine(ConformanceTests.CasesDir, caseFile)))!.AsObject();
        options = ConformanceTests.Options(c["options"] as JsonObject);
        snapshot = FixtureLoader.Load(Path.Combine(RepoPaths.Conformance, (string)c["fixture"]!));
        return IngressTranslator.Translate(snapshot, options);
    }

    [Test]
    [Arguments("unset", true)]
    [Arguments("testing", true)]
    [Arguments("other", false)]
    [Arguments("empty", false)]
    public async Task Cross_provider_middleware_references(string variant, bool served)
    {
        var r = Run($"CrossProviderNamespaces--Ingress-with-annotations--crossprovidernamespaces-{variant}.json", out _, out _);
        await Assert.That(r.Config.Http.Routers.ContainsKey("testing-bar")).IsEqualTo(served);
        if (!served) await Assert.That(r.Config.Http.Routers.Count).IsEqualTo(0);
    }

    [Test]
    [Arguments("unset", true)]
    [Arguments("testing", true)]
    [Arguments("other", false)]
    [Arguments("empty", false)]
    public async Task Cross_provider_tls_option_references(string variant, bool served)
    {
        var r = Run($"CrossProviderNamespaces_TLSOptions--Ingress-with-tls-options-annotation--crossprovidernamespaces-{variant}.json", out _, out _);
        if (served) await Assert.That(r.Config.Http.Routers["testing-bar"].Tls!.Options).IsEqualTo("foobar@file");
        else await Assert.That(r.Config.Http.Routers.Count).IsEqualTo(0);
    }

    [Test]
    [Arguments("unset", true)]
    [Arguments("testing", true)]
    [Arguments("other", false)]
    [Arguments("empty", false)]
    public async Task Cross_provider_servers_transport_references(string variant, bool served)
    {
        var r = Run($"CrossProviderNamespaces_ServersTransport--Ingress-with-servers-transport-annotation--crossprovidernamespaces-{variant}.json", out _, out _);
        if (served)
        {
            await Assert.That(r.Config.Http.Services["testing-service1-80"].LoadBalancer!.ServersTransport).IsEqualTo("foobar@file");
        }
        else
        {
            await Assert.That(r.Config.Http.Services.Count).IsEqualTo(0);
            await Assert.That(r.Config.Http.Routers.Count).IsEqualTo(0);
            await Assert.That(string.Join("\n", r.Issues)).Contains("cross-provider serversTransport reference is not allowed");
        }
    }

    [Test]
    public async Task Report_node_internal_ips()
    {
        var r = Run("ReportNodeInternalIPs--Node-Internal-IP.json", out var options, out var snapshot);
        await Assert.That(r.Config.Http.Routers.Count).IsGreaterThan(0);
        await Assert.That(r.Config.Http.Services.Count).IsGreaterThan(0);
        var status = IngressStatusComputer.Compute(snapshot, options, out var error);
        await Assert.That(error).IsNull();
        var expected = snapshot.Nodes.SelectMany(n => n.Status!.Addresses!).Where(a => a.Type == "InternalIP").Select(a => a.Address).ToList();
        await Assert.That(expected.Count).IsGreaterThan(0);
        await Assert.That(status!.Select(s => s.Ip).ToList()).IsEquivalentTo(expected);
    }
}
