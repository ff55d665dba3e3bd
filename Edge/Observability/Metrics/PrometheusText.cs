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

        // Edge's own (Traefik has no ACME metric): finished orders by resolver, domains, new/renewal and result.
        Family(sb, "edge_acme_orders_total", "counter", "Finished ACME orders, by resolver, domains, kind (new, renewal) and result (success, failure)");
        foreach (var ((resolver, domains, kind, result), box) in m.AcmeOrders.OrderBy(k => k.Key.Resolver, StringComparer.Ordinal).ThenBy(k => k.Key.Domains, StringComparer.Ordinal)
                     .ThenBy(k => k.Key.Kind, StringComparer.Ordinal).ThenBy(k => k.Key.Result, StringComparer.Ordinal))
            sb.Append("edge_acme_orders_total{resolver=\"").Append(Esc(resolver)).Append("\",domains=\"").Append(Esc(domains)).Append("\",kind=\"").Append(kind)
                .Append("\",result=\"").Append(result).Append("\"} ").Append(Volatile.Read(ref box.Value)).Append('\n');

        Family(sb, "traefik_tls_certs_not_after", "gauge", "Certificate expiration timestamp");
        foreach (var c in m.Certificates())
        {
            var cn = c.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false);
            var sans = string.Join(",", Edge.DataPlane.Tls.CertificateStore.Names(c));
            sb.Append("traefik_tls_certs_not_after{cn=\"").Append(Esc(cn)).Append("\",serial=\"").Append(Esc(SerialDecimal(c.SerialNumberBytes.Span)))
              .Append("\",sans=\"").Append(Esc(sans)).Append("\"} ").Append(new DateTimeOffset(c.NotAfter.ToUniversalTime()).ToUnixTimeSeconds()).Append('\n');
        }

        // Traefik's gauge, set by the health checkers (services labels only): 1 up, 0 down.
        if (m.Options.AddServicesLabels)
        {
            var servers = m.ServersUp().OrderBy(s => s.Service, StringComparer.Ordinal).ThenBy(s => s.Url, StringComparer.Ordinal).ToList();
            if (servers.Count > 0)
            {
                Family(sb, "traefik_service_server_up", "gauge", "service server is up, described by gauge value of 0 or 1.");
                foreach (var (service, url, up) in servers)
                    sb.Append("traefik_service_server_up{service=\"").Append(Esc(service)).Append("\",url=\"").Append(Esc(url)).Append("\"} ").Append(up ? '1' : '0').Append('\n');
            }
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
        if (m.HeaderLabels.Any)
        {
            // headerLabels: the counter is split by the header values (the other families are not, as in Traefik).
            foreach (var ((key, values), count) in m.HeaderCounts.Where(h => h.Key.Key.Scope == scope)
                         .OrderBy(h => h.Key.Key.Name, StringComparer.Ordinal).ThenBy(h => h.Key.Key.Code).ThenBy(h => h.Key.Values, StringComparer.Ordinal))
            {
                Labels(sb.Append(name).Append("_requests_total"), key);
                var split = m.HeaderLabels.Split(values);
                for (int i = 0; i < split.Length; i++) sb.Append(',').Append(m.HeaderLabels.Label(i)).Append("=\"").Append(Esc(split[i])).Append('"');
                sb.Append("} ").Append(Volatile.Read(ref count.Value)).Append('\n');
            }
        }
        else
            foreach (var c in cells) Series(sb, name + "_requests_total", c, null).Append(c.Count).Append('\n');

        var tls = m.TlsCounts.Where(t => t.Key.Scope == scope).OrderBy(t => t.Key.Name, StringComparer.Ordinal)
            .ThenBy(t => t.Key.Version, StringComparer.Ordinal).ThenBy(t => t.Key.Cipher, StringComparer.Ordinal).ToList();
        if (tls.Count > 0)
        {
            Family(sb, name + "_requests_tls_total", "counter", $"How many HTTP requests with TLS processed on a {prefix}, partitioned by TLS Version and TLS cipher Used.");
            foreach (var (k, count) in tls)
            {
                sb.Append(name).Append("_requests_tls_total{tls_cipher=\"").Append(k.Cipher).Append("\",tls_version=\"").Append(k.Version).Append('"');
                Names(sb, k.Scope, k.Name, k.Service, k.Namespace);
                sb.Append("} ").Append(Volatile.Read(ref count.Value)).Append('\n');
            }
        }

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
        Labels(sb.Append(name), c.Key);
        if (le is not null) sb.Append(",le=\"").Append(le).Append('"');
        return sb.Append("} ");
    }

    // "{code=..,method=..,protocol=..,<scope labels>" without the closing brace.
    private static void Labels(StringBuilder sb, in CellKey k)
    {
        sb.Append("{code=\"").Append(k.Code).Append("\",method=\"").Append(Esc(k.Method)).Append("\",protocol=\"").Append(k.Protocol).Append('"');
        Names(sb, k.Scope, k.Name, k.Service, k.Namespace);
    }

    private static void Names(StringBuilder sb, CellScope scope, string name, string service, string? ns)
    {
        switch (scope)
        {
            case CellScope.EntryPoint: sb.Append(",entrypoint=\"").Append(Esc(name)).Append('"'); break;
            case CellScope.Router: sb.Append(",router=\"").Append(Esc(name)).Append("\",service=\"").Append(Esc(service)).Append('"'); break;
            default: sb.Append(",service=\"").Append(Esc(name)).Append('"'); break;
        }
        if (ns is not null) sb.Append(",namespace=\"").Append(Esc(ns)).Append('"');
    }

    internal static void Family(StringBuilder sb, string name, string type, string help) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    internal static string Esc(string v) => v.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    // Go's big.Int.String() of the serial: Traefik prints the serial in decimal.
    private static string SerialDecimal(ReadOnlySpan<byte> bigEndian) =>
        new System.Numerics.BigInteger(bigEndian, isUnsigned: true, isBigEndian: true).ToString(CultureInfo.InvariantCulture);
}
