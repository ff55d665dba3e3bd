using System.Net.Security;
using System.Security.Authentication;
using Edge.Configuration;
using Edge.DataPlane.Tls;
using Edge.Model;
using Edge.Observability.Metrics;
using Microsoft.AspNetCore.Http;

namespace Edge.Tests.Observability.Metrics;

/// <summary>
/// Traefik's *_requests_tls_total counters and metrics.prometheus.headerLabels, as the scrape
/// shows them (pkg/observability/metrics/prometheus.go, pkg/tls version.go and cipher.go).
/// </summary>
public class RequestTlsAndHeaderLabelTests
{
    // The merged configuration keeps a non-Kubernetes provider's objects under their qualified names.
    private static DynamicConfig Config(params string[] services)
    {
        var c = new DynamicConfig();
        foreach (var s in services) c.Http.Services[s] = new Service();
        c.Http.Routers["r@file"] = new Router { Service = "svc" };
        return c;
    }

    [Test]
    public async Task Tls_names_are_traefiks()
    {
        await Assert.That(GoTlsNames.VersionName(SslProtocols.Tls13)).IsEqualTo("1.3");
        await Assert.That(GoTlsNames.VersionName(SslProtocols.Tls12)).IsEqualTo("1.2");
        await Assert.That(GoTlsNames.VersionName(SslProtocols.None)).IsEqualTo("unknown");
        await Assert.That(GoTlsNames.CipherName(TlsCipherSuite.TLS_AES_128_GCM_SHA256)).IsEqualTo("TLS_AES_128_GCM_SHA256");
        // Go's reversed map names ChaCha20 by its IANA name, not the legacy alias.
        await Assert.That(GoTlsNames.CipherName(TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256)).IsEqualTo("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
        await Assert.That(GoTlsNames.CipherName(TlsCipherSuite.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256)).IsEqualTo("unknown");
        await Assert.That(GoTlsNames.CipherName(null)).IsEqualTo("unknown");
    }

    [Test]
    public async Task Tls_requests_are_counted_per_scope_and_dropped_with_their_service()
    {
        var m = new EdgeMetrics(new MetricsOptions { AddRoutersLabels = true });
        m.ConfigurationReloaded(DateTimeOffset.UtcNow, Config("svc@file"));
        m.Record("websecure", "r@file", "svc@file", 200, "GET", "http", 10, 0, 0);
        for (int i = 0; i < 2; i++) m.RecordTls("websecure", "r@file", "svc@file", "1.3", "TLS_AES_128_GCM_SHA256");
        m.RecordTls("websecure", "r@file", "svc@file", "1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        var s = PrometheusText.Write(m);
        await Assert.That(s).Contains("# TYPE traefik_entrypoint_requests_tls_total counter\n");
        await Assert.That(s).Contains("traefik_entrypoint_requests_tls_total{tls_cipher=\"TLS_AES_128_GCM_SHA256\",tls_version=\"1.3\",entrypoint=\"websecure\"} 2\n");
        await Assert.That(s).Contains("traefik_router_requests_tls_total{tls_cipher=\"TLS_AES_128_GCM_SHA256\",tls_version=\"1.3\",router=\"r@file\",service=\"svc@file\"} 2\n");
        await Assert.That(s).Contains("traefik_service_requests_tls_total{tls_cipher=\"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\",tls_version=\"1.2\",service=\"svc@file\"} 1\n");

        // The configuration stops naming the service: written once more by a scrape, then gone.
        m.ConfigurationReloaded(DateTimeOffset.UtcNow, Config("other@file"));
        await Assert.That(PrometheusText.Write(m)).Contains("traefik_service_requests_tls_total{");
        var after = PrometheusText.Write(m);
        await Assert.That(after).DoesNotContain("traefik_service_requests_tls_total{");
        await Assert.That(after).Contains("traefik_entrypoint_requests_tls_total{");   // entry points are static
    }

    [Test]
    public async Task Header_labels_split_only_the_request_counters_in_label_order()
    {
        var options = new MetricsOptions { HeaderLabels = { ["useragent"] = "User-Agent", ["tenant"] = "X-Tenant", ["host"] = "Host" } };
        var m = new EdgeMetrics(options);
        m.ConfigurationReloaded(DateTimeOffset.UtcNow, Config("svc@file"));
        var headers = new HeaderDictionary { ["User-Agent"] = "curl", ["X-Tenant"] = "blue", ["Host"] = "a.example" };
        var values = m.HeaderLabels.Values(headers);
        m.Record("web", null, "svc@file", 200, "GET", "http", 10, 0, 0, headerValues: values);
        m.Record("web", null, "svc@file", 200, "GET", "http", 10, 0, 0, headerValues: values);
        m.Record("web", null, "svc@file", 200, "GET", "http", 10, 0, 0, headerValues: m.HeaderLabels.Values(new HeaderDictionary()));
        var s = PrometheusText.Write(m);
        // Sorted by label name; Host is empty as in Go; an absent header gives an empty value.
        await Assert.That(s).Contains("traefik_service_requests_total{code=\"200\",method=\"GET\",protocol=\"http\",service=\"svc@file\",host=\"\",tenant=\"blue\",useragent=\"curl\"} 2\n");
        await Assert.That(s).Contains("traefik_service_requests_total{code=\"200\",method=\"GET\",protocol=\"http\",service=\"svc@file\",host=\"\",tenant=\"\",useragent=\"\"} 1\n");
        await Assert.That(s).Contains("traefik_entrypoint_requests_total{code=\"200\",method=\"GET\",protocol=\"http\",entrypoint=\"web\",host=\"\",tenant=\"blue\",useragent=\"curl\"} 2\n");
        await Assert.That(s).Contains("traefik_service_request_duration_seconds_count{code=\"200\",method=\"GET\",protocol=\"http\",service=\"svc@file\"} 3\n");
        await Assert.That(s).DoesNotContain("_bytes_total{code=\"200\",method=\"GET\",protocol=\"http\",service=\"svc@file\",host");
    }

    [Test]
    [Arguments("user-agent")]
    [Arguments("__reserved")]
    [Arguments("9lives")]
    [Arguments("code")]
    [Arguments("service")]
    public async Task A_label_name_prometheus_or_traefik_would_refuse_stops_the_start(string label)
    {
        var options = new MetricsOptions { HeaderLabels = { [label] = "X-Anything" } };
        var e = Assert.Throws<ConfigException>(options.Validate);
        await Assert.That(e.Option).IsEqualTo("metrics.prometheus.headerLabels." + label);
        new MetricsOptions { HeaderLabels = { ["user_agent2"] = "User-Agent" } }.Validate();
    }
}
