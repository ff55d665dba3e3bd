using System.Text;
using System.Text.Json;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;

namespace Edge.Providers.Kubernetes.Crd;

/// <summary>
/// Traefik's createForwardAuthMiddleware: the spec's fields as they are, maxBodySize -1 unless
/// set (SetDefaults), and tls read from Secrets in the Middleware's namespace (caSecret: tls.ca or
/// ca.crt, or a Secret's only key; certSecret: tls.crt and tls.key).
/// </summary>
internal static class ForwardAuthTranslator
{
    private static readonly HashSet<string> Fields = new(StringComparer.Ordinal)
    {
        "address", "trustForwardHeader", "authResponseHeaders", "authResponseHeadersRegex", "authRequestHeaders", "tls",
        "maxResponseBodySize", "addAuthCookiesToResponse", "headerField", "forwardBody", "maxBodySize", "preserveLocationHeader",
        "preserveRequestMethod", "authSigninURL",
    };

    private static readonly HashSet<string> TlsFields = new(StringComparer.Ordinal) { "caSecret", "certSecret", "insecureSkipVerify", "caOptional" };

    /// <summary>The configuration, or null with the error (Traefik's texts) or the fields Edge does not read.</summary>
    public static ForwardAuthConfig? Translate(ClusterSnapshot snapshot, string ns, JsonElement spec, out string? error)
    {
        error = null;
        var unserved = UnservedFields.Of(spec, Fields, "forwardAuth").ToList();
        if (spec.TryGetProperty("tls", out var tls) && tls.ValueKind == JsonValueKind.Object)
            unserved.AddRange(UnservedFields.Of(tls, TlsFields, "forwardAuth.tls"));
        if (unserved.Count > 0)
        {
            error = $"{string.Join(", ", unserved)}: not supported by Edge, the middleware is not served without {(unserved.Count == 1 ? "it" : "them")}";
            return null;
        }
        // The typed fields are the model's own: read them with the model's JSON names.
        var config = spec.Deserialize(ModelJsonContext.Default.ForwardAuthConfig) ?? new ForwardAuthConfig();
        config.Tls = null;
        if (string.IsNullOrEmpty(config.Address))
        {
            error = "forward authentication requires an address";
            return null;
        }
        config.MaxBodySize ??= -1;
        // Traefik's omitempty: false and "" are not shown.
        if (config.ForwardBody == false) config.ForwardBody = null;
        if (config.PreserveLocationHeader == false) config.PreserveLocationHeader = null;
        if (config.PreserveRequestMethod == false) config.PreserveRequestMethod = null;
        if (config.HeaderField == "") config.HeaderField = null;
        if (config.AuthResponseHeadersRegex == "") config.AuthResponseHeadersRegex = null;
        if (config.AuthSigninUrl == "") config.AuthSigninUrl = null;
        if (tls.ValueKind == JsonValueKind.Object)
        {
            var client = new ClientTlsConfig();
            if (tls.TryGetProperty("insecureSkipVerify", out var skip) && skip.ValueKind == JsonValueKind.True) client.InsecureSkipVerify = true;
            if (Str(tls, "caSecret") is { Length: > 0 } caSecret)
            {
                client.Ca = LoadCa(snapshot, ns, caSecret, out error);
                if (client.Ca is null) { error = "failed to load auth ca secret: " + error; return null; }
            }
            if (Str(tls, "certSecret") is { Length: > 0 } certSecret)
            {
                if (!LoadCertificate(snapshot, ns, certSecret, out var cert, out var key, out error)) { error = "failed to load auth secret: " + error; return null; }
                client.Cert = cert;
                client.Key = key;
            }
            config.Tls = client;
        }
        return config;
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Traefik's loadCASecret.</summary>
    public static string? LoadCa(ClusterSnapshot snapshot, string ns, string name, out string? error)
    {
        error = null;
        var secret = snapshot.GetSecret(ns, name);
        if (secret is null) { error = $"secret '{ns}/{name}' not found"; return null; }
        var data = secret.Data ?? new Dictionary<string, byte[]>();
        if (data.TryGetValue("tls.ca", out var ca) || data.TryGetValue("ca.crt", out ca)) return Encoding.UTF8.GetString(ca);
        // Traefik's backwards compatibility: a Secret with one key is that CA.
        if (data.Count == 1) return Encoding.UTF8.GetString(data.Values.First());
        error = $"secret '{ns}/{name}' has no CA block: secret {ns}/{name} contains neither tls.ca nor ca.crt";
        return null;
    }

    /// <summary>Traefik's loadAuthTLSSecret / getCertificateBlocks.</summary>
    public static bool LoadCertificate(ClusterSnapshot snapshot, string ns, string name, out string? cert, out string? key, out string? error)
    {
        cert = key = error = null;
        var secret = snapshot.GetSecret(ns, name);
        if (secret is null) { error = $"secret '{ns}/{name}' does not exist"; return false; }
        var data = secret.Data ?? new Dictionary<string, byte[]>();
        var missing = new List<string>();
        if (!data.TryGetValue("tls.crt", out var crt)) missing.Add("tls.crt");
        if (!data.TryGetValue("tls.key", out var k)) missing.Add("tls.key");
        if (missing.Count > 0) { error = $"secret {ns}/{name} is missing the following TLS data entries: {string.Join(", ", missing)}"; return false; }
        cert = Encoding.UTF8.GetString(crt!);
        key = Encoding.UTF8.GetString(k!);
        if (cert.Length == 0) missing.Add("tls.crt");
        if (key.Length == 0) missing.Add("tls.key");
        if (missing.Count > 0) { error = $"secret {ns}/{name} contains the following empty TLS data entries: {string.Join(", ", missing)}"; return false; }
        return true;
    }
}
