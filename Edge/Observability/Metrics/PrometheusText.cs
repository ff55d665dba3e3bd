using System.Globalization;
using System.Text;

namespace Edge.Observability.Metrics;

/// <summary>
/// Writes <see cref="EdgeMetrics"/> in the Prometheus text exposition format 0.0.4. Runs per
/// scrape, off the request path, so it may allocate freely.
/// </summary>
public static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(EdgeMetrics m)
    {
        var sb = new StringBuilder(4096);
        Family(sb, "traefik_config_reloads_total", "counter", "Config reloads");
        sb.Append("traefik_config_reloads_total ").Append(m.Reloads).Append('\n');
        Family(sb, "traefik_config_last_reload_success", "gauge", "Last config reload success");
        sb.Append("traefik_config_last_reload_success ").Append(m.LastReloadSuccess).Append('\n');

        Family(sb, "traefik_open_connections", "gauge", "How many open connections exist, by entryPoint and protocol");
        foreach (var (ep, box) in m.OpenConnections.OrderBy(k => k.Key, StringComparer.Ordinal))
            sb.Append("traefik_open_connections{entrypoint=\"").Append(Esc(ep)).Append("\",protocol=\"TCP\"} ").Append(Volatile.Read(ref box.Value)).Append('\n');

        // Edge's own: failed forwards by the stage they failed in (connect, response_headers, ...),
        // which Traefik's request counters cannot tell apart (every one of them is a 502).
        Family(sb, "edge_service_forward_errors_total", "counter", "Failed forwards, by service and the stage that failed");
        foreach (var ((service, stage), box) in m.ForwardErrors.OrderBy(k => k.Key.Service, StringComparer.Ordinal).ThenBy(k => k.Key.Stage, StringComparer.Ordinal))
            sb.Append("edge_service_forward_errors_total{service=\"").Append(Esc(service)).Append("\",stage=\"").Append(stage).Append("\"} ").Append(Volatile.Read(ref box.Value)).Append('\n');

        Family(sb, "traefik_tls_certs_not_after", "gauge", "Certificate expiration timestamp");
        foreach (var c in m.Certificates())
        {
            var cn = c.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false);
            var sans = string.Join(",", Edge.DataPlane.Tls.CertificateStore.Names(c));
            sb.Append("traefik_tls_certs_not_after{cn=\"").Append(Esc(cn)).Append("\",serial=\"").Append(Esc(SerialDecimal(c.SerialNumberBytes.Span)))
              .Append("\",sans=\"").Append(Esc(sans)).Append("\"} ").Append(new DateTimeOffset(c.NotAfter.ToUniversalTime()).ToUnixTimeSeconds()).Append('\n');
        }

        var cells = m.Cells.ToList();
        Scope(sb, m, cells, CellScope.EntryPoint, "entrypoint");
        Scope(sb, m, cells, CellScope.Router, "router");
        Scope(sb, m, cells, CellScope.Service, "service");
        var retries = m.Retries.OrderBy(k => k.Key, StringComparer.Ordinal).ToList();
        if (retries.Count > 0 && m.Options.AddServicesLabels)
        {
            Family(sb, "traefik_service_retries_total", "counter", "How many request retries happened on a service.");
            foreach (var (service, box) in retries)
                sb.Append("traefik_service_retries_total{service=\"").Append(Esc(service)).Append("\"} ").Append(Volatile.Read(ref box.Value)).Append('\n');
        }
        ProcessMetrics.Write(sb);
        m.Scraped();
        return sb.ToString();
    }

    private static void Scope(StringBuilder sb, EdgeMetrics m, List<RequestCell> all, CellScope scope, string prefix)
    {
        var cells = all.Where(c => c.Key.Scope == scope).OrderBy(c => c.Key.Name, StringComparer.Ordinal).ThenBy(c => c.Key.Code).ToList();
        if (cells.Count == 0) return;
        var name = "traefik_" + prefix;
        Family(sb, name + "_requests_total", "counter", $"How many HTTP requests processed on a {prefix}, partitioned by status code, protocol, and method.");
        foreach (var c in cells) Series(sb, name + "_requests_total", c, null).Append(c.Count).Append('\n');

        Family(sb, name + "_request_duration_seconds", "histogram", $"How long it took to process the request on a {prefix}, partitioned by status code, protocol, and method.");
        foreach (var c in cells)
        {
            long cumulative = 0;
            for (int i = 0; i <= m.Buckets.Length; i++)
            {
                cumulative += c.Bucket(i);
                var le = i < m.Buckets.Length ? m.Buckets[i].ToString("R", CultureInfo.InvariantCulture) : "+Inf";
                Series(sb, name + "_request_duration_seconds_bucket", c, le).Append(cumulative).Append('\n');
            }
            Series(sb, name + "_request_duration_seconds_sum", c, null).Append(c.DurationSeconds.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            Series(sb, name + "_request_duration_seconds_count", c, null).Append(cumulative).Append('\n');
        }

        Family(sb, name + "_requests_bytes_total", "counter", $"The total size of requests in bytes handled by a {prefix}, partitioned by status code, protocol, and method.");
        foreach (var c in cells) Series(sb, name + "_requests_bytes_total", c, null).Append(c.RequestBytes).Append('\n');
        Family(sb, name + "_responses_bytes_total", "counter", $"The total size of responses in bytes handled by a {prefix}, partitioned by status code, protocol, and method.");
        foreach (var c in cells) Series(sb, name + "_responses_bytes_total", c, null).Append(c.ResponseBytes).Append('\n');
    }

    private static StringBuilder Series(StringBuilder sb, string name, RequestCell c, string? le)
    {
        var k = c.Key;
        sb.Append(name).Append("{code=\"").Append(k.Code).Append("\",method=\"").Append(Esc(k.Method)).Append("\",protocol=\"").Append(k.Protocol).Append('"');
        switch (k.Scope)
        {
            case CellScope.EntryPoint: sb.Append(",entrypoint=\"").Append(Esc(k.Name)).Append('"'); break;
            case CellScope.Router: sb.Append(",router=\"").Append(Esc(k.Name)).Append("\",service=\"").Append(Esc(k.Service)).Append('"'); break;
            default: sb.Append(",service=\"").Append(Esc(k.Name)).Append('"'); break;
        }
        if (k.Namespace is not null) sb.Append(",namespace=\"").Append(Esc(k.Namespace)).Append('"');
        if (le is not null) sb.Append(",le=\"").Append(le).Append('"');
        return sb.Append("} ");
    }

    internal static void Family(StringBuilder sb, string name, string type, string help) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    internal static string Esc(string v) => v.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    // Go's big.Int.String() of the serial: Traefik prints the serial in decimal.
    private static string SerialDecimal(ReadOnlySpan<byte> bigEndian) =>
        new System.Numerics.BigInteger(bigEndian, isUnsigned: true, isBigEndian: true).ToString(CultureInfo.InvariantCulture);
}
