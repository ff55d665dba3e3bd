using Edge.Model;

namespace Edge.Providers.Files;

/// <summary>
/// Traefik's FileOrContent for <c>tls.certificates</c>: certFile and keyFile are each a path
/// (read when it names a file, relative to the working directory as in Traefik) or the PEM text
/// itself. A certificate that cannot be read is left out with an error, the others are served.
/// </summary>
public static class TlsFiles
{
    public static void Resolve(DynamicConfig config, List<string> issues)
    {
        if (config.Tls?.Certificates is not { Count: > 0 } certificates) return;
        var kept = new List<CertAndStores>();
        for (int i = 0; i < certificates.Count; i++)
        {
            var c = certificates[i];
            var cert = Read(c.CertFile, "certFile", i, issues);
            var key = cert is null ? null : Read(c.KeyFile, "keyFile", i, issues);
            if (cert is null || key is null) continue;
            // Where the certificate came from, for the logs (as an Ingress certificate names its Secret).
            c.SourceSecret ??= (cert == c.CertFile ? $"tls.certificates[{i}]" : c.CertFile) + "@file";
            c.CertFile = cert;
            c.KeyFile = key;
            kept.Add(c);
        }
        config.Tls.Certificates = kept;
    }

    private static string? Read(string value, string field, int index, List<string> issues)
    {
        if (value.Contains("-----BEGIN", StringComparison.Ordinal)) return value;
        if (value.Length > 0 && System.IO.File.Exists(value))
        {
            try { return System.IO.File.ReadAllText(value); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                issues.Add($"tls.certificates[{index}].{field}: cannot read {value}: {e.Message}, the certificate is not served");
                return null;
            }
        }
        issues.Add($"tls.certificates[{index}].{field}: \"{Short(value)}\" is neither a readable file nor PEM content, the certificate is not served");
        return null;
    }

    private static string Short(string v) => v.Length > 80 ? v[..80] + "…" : v;
}
