using System.Text.Json;
using Edge.Configuration;
using Edge.Model;
using Edge.Providers;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Crd;

namespace Edge.Tests.Providers.Kubernetes.Crd;

/// <summary>rateLimit and inFlightReq Middleware objects read as Traefik's CRD provider reads them.</summary>
public class RateLimitTranslatorTests
{
    private static Middleware One(string spec)
    {
        var yaml = $"""
            apiVersion: traefik.io/v1alpha1
            kind: Middleware
            metadata:
              name: limit
              namespace: default
            spec:
              {spec}
            """;
        var docs = ManifestParser.Parse(yaml, "test").ToList();
        foreach (var d in docs) if (d.Error is not null) throw new InvalidOperationException(d.Error);
        var snapshot = ClusterSnapshot.FromObjects(docs.Select(d => d.Object!));
        return MiddlewareTranslator.Translate(snapshot, new CrdProviderOptions(), new List<TranslationIssue>())["default-limit"];
    }

    private static string Json(RateLimitConfig c) => JsonSerializer.Serialize(c, ModelJsonContext.Default.RateLimitConfig);

    [Test]
    public async Task RateLimit_gets_Traefiks_defaults_burst_1_and_period_1s()
    {
        var m = One("rateLimit:\n    average: 100");
        await Assert.That(m.Error).IsNull();
        await Assert.That(Json(m.RateLimit!)).IsEqualTo("""{"average":100,"period":"1s","burst":1}""");
    }

    [Test]
    [Arguments("10", "10s")]
    [Arguments("\"10\"", "10s")]
    [Arguments("1m", "1m0s")]
    [Arguments("500ms", "500ms")]
    [Arguments("1h30m", "1h30m0s")]
    public async Task Period_is_seconds_or_a_Go_duration(string period, string shown)
    {
        var m = One($"rateLimit:\n    average: 5\n    burst: 10\n    period: {period}");
        await Assert.That(m.Error).IsNull();
        await Assert.That(m.RateLimit!.Period).IsEqualTo(shown);
        await Assert.That(m.RateLimit.Burst).IsEqualTo(10);
    }

    [Test]
    public async Task A_bad_period_keeps_the_middleware_in_error()
    {
        var m = One("rateLimit:\n    average: 5\n    period: soon");
        await Assert.That(m.Error).IsEqualTo("invalid rateLimit configuration: time: invalid duration \"soon\"");
    }

    [Test]
    public async Task SourceCriterion_is_read_whole()
    {
        var m = One("rateLimit:\n    average: 5\n    sourceCriterion:\n      ipStrategy:\n        depth: 2\n        excludedIPs: [10.0.0.0/8]");
        await Assert.That(m.Error).IsNull();
        await Assert.That(m.RateLimit!.SourceCriterion!.IpStrategy!.Depth).IsEqualTo(2);
        await Assert.That(m.RateLimit.SourceCriterion.IpStrategy.ExcludedIps).IsEquivalentTo(new[] { "10.0.0.0/8" });
    }

    [Test]
    [Arguments("rateLimit:\n    average: 5\n    redis:\n      endpoints: [127.0.0.1:6379]", "rateLimit.redis")]
    [Arguments("rateLimit:\n    sourceCriterion:\n      ipStrategy:\n        ipv6Subnet: 64", "rateLimit.sourceCriterion.ipStrategy.ipv6Subnet")]
    [Arguments("inFlightReq:\n    amount: 1\n    sourceCriterion:\n      requestHots: true", "inFlightReq.sourceCriterion.requestHots")]
    public async Task A_field_Edge_does_not_serve_fails_closed(string spec, string field)
    {
        var m = One(spec);
        await Assert.That(m.Error).IsEqualTo($"{field}: not supported by Edge, the middleware is not served without it");
    }

    [Test]
    public async Task InFlightReq_reads_amount_and_sourceCriterion()
    {
        var m = One("inFlightReq:\n    amount: 10\n    sourceCriterion:\n      requestHeaderName: X-Tenant");
        await Assert.That(m.Error).IsNull();
        await Assert.That(m.TypeName).IsEqualTo("inFlightReq");
        await Assert.That(m.InFlightReq!.Amount).IsEqualTo(10);
        await Assert.That(m.InFlightReq.SourceCriterion!.RequestHeaderName).IsEqualTo("X-Tenant");
    }
}
