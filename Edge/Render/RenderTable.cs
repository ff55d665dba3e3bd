using System.Globalization;

namespace Edge.Render;

/// <summary>The routers, services and certificates of a render as aligned tables.</summary>
public static class RenderTable
{
    public static void Write(TextWriter w, RenderOutcome o)
    {
        var routers = o.Raw.Routers.Select(kv => new[]
        {
            kv.Key,
            string.Join(",", kv.Value.EntryPoints ?? []),
            kv.Value.Rule,
            kv.Value.Priority.ToString(CultureInfo.InvariantCulture),
            kv.Value.Service,
            Tls(kv.Value, o.TlsEntryPoints),
            kv.Value.Status,
        }).ToList();
        TableWriter.Write(w, "ROUTERS", ["NAME", "ENTRYPOINTS", "RULE", "PRIORITY", "SERVICE", "TLS", "STATUS"], routers);

        var services = o.Raw.Services.Select(kv => new[]
        {
            kv.Key,
            kv.Value.LoadBalancer?.Servers is { Count: > 0 } servers ? string.Join(",", servers.Select(s => s.Url)) : "(no servers)",
        }).ToList();
        TableWriter.Write(w, "SERVICES", ["NAME", "SERVERS"], services);

        var now = DateTime.UtcNow;
        var certificates = o.Certificates.Select(c => new[]
        {
            c.Secret,
            string.Join(",", c.Names),
            c.NotAfter.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + (c.NotAfter < now ? " (expired)" : ""),
        }).ToList();
        TableWriter.Write(w, "CERTIFICATES", ["SECRET", "NAMES", "NOT AFTER"], certificates);
    }

    // A router is served on TLS connections only when it has a tls section or its entry point has http.tls.
    private static string Tls(Api.RouterInfo r, IReadOnlySet<string> tlsEntryPoints)
    {
        if (r.Tls is { } t)
        {
            var details = new List<string>();
            if (!string.IsNullOrEmpty(t.Options)) details.Add("options=" + t.Options);
            if (!string.IsNullOrEmpty(t.CertResolver)) details.Add("certResolver=" + t.CertResolver);
            return details.Count == 0 ? "yes" : "yes (" + string.Join(",", details) + ")";
        }
        return r.EntryPoints?.Any(tlsEntryPoints.Contains) == true ? "yes (entry point)" : "no";
    }
}
