using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Security.Acme;
using k8s.Models;

namespace Edge.Providers.Acme;

/// <summary>
/// The Kubernetes storage's objects, all labelled <c>app.kubernetes.io/managed-by=edge-acme</c> and
/// kind-labelled: a resolver's account in an Opaque Secret (<c>privateKey</c> DER as in acme.json,
/// <c>email</c>, <c>uri</c>, <c>registration</c> JSON), every certificate in a <c>kubernetes.io/tls</c>
/// Secret (<c>tls.crt</c> the chain, <c>tls.key</c>) whose annotations name the resolver, the domains
/// (main first) and the TLS store, and each pending challenge in an Opaque Secret. Names are derived
/// from the resolver and the sorted domains, so a renewal replaces its certificate's Secret.
/// </summary>
public static class AcmeSecretMapping
{
    public const string ManagedByLabel = "app.kubernetes.io/managed-by", ManagedBy = "edge-acme";
    public const string KindLabel = "edge.acme/kind", ResolverLabel = "edge.acme/resolver";
    public const string ResolverAnnotation = "edge.acme/resolver", DomainsAnnotation = "edge.acme/domains", StoreAnnotation = "edge.acme/store";
    public const string Account = "account", Certificate = "certificate", Challenge = "challenge";
    public const string Selector = ManagedByLabel + "=" + ManagedBy;

    public static string AccountName(string resolver) => $"acme-{Dns(resolver)}-account";

    public static string CertificateName(string resolver, IEnumerable<string> domains) =>
        $"acme-{Dns(resolver)}-{Hash(string.Join(",", domains.Select(d => d.ToLowerInvariant()).Order(StringComparer.Ordinal)))}";

    public static string ChallengeName(PendingChallenge c) => $"acme-challenge-{Hash(c.Type + "|" + c.Token + "|" + c.Domain.ToLowerInvariant())}";

    public static V1Secret ToSecret(string ns, string resolver, AcmeAccountRecord a) => new()
    {
        ApiVersion = "v1", Kind = "Secret", Type = "Opaque",
        Metadata = Meta(ns, AccountName(resolver), Account, resolver, new Dictionary<string, string> { [ResolverAnnotation] = resolver }),
        Data = new Dictionary<string, byte[]>
        {
            ["privateKey"] = a.PrivateKey,
            ["email"] = Encoding.UTF8.GetBytes(a.Email),
            ["uri"] = Encoding.UTF8.GetBytes(a.Uri),
            ["registration"] = Encoding.UTF8.GetBytes(a.Body?.ToJsonString() ?? "{\"status\":\"valid\"}"),
        },
    };

    public static V1Secret ToSecret(string ns, string resolver, AcmeCertificateRecord c) => new()
    {
        ApiVersion = "v1", Kind = "Secret", Type = "kubernetes.io/tls",
        Metadata = Meta(ns, CertificateName(resolver, c.Domains), Certificate, resolver, new Dictionary<string, string>
        {
            [ResolverAnnotation] = resolver, [DomainsAnnotation] = string.Join(",", c.Domains), [StoreAnnotation] = c.Store,
        }),
        Data = new Dictionary<string, byte[]> { ["tls.crt"] = Encoding.UTF8.GetBytes(c.CertificatePem), ["tls.key"] = Encoding.UTF8.GetBytes(c.KeyPem) },
    };

    public static V1Secret ToSecret(string ns, PendingChallenge c) => new()
    {
        ApiVersion = "v1", Kind = "Secret", Type = "Opaque",
        Metadata = Meta(ns, ChallengeName(c), Challenge, null, null),
        Data = new Dictionary<string, byte[]>
        {
            ["type"] = Encoding.UTF8.GetBytes(c.Type), ["token"] = Encoding.UTF8.GetBytes(c.Token),
            ["domain"] = Encoding.UTF8.GetBytes(c.Domain), ["keyAuthorization"] = Encoding.UTF8.GetBytes(c.KeyAuthorization),
        },
    };

    public static string? KindOf(V1Secret s) => Get(s.Metadata?.Labels, KindLabel);

    public static string? ResolverOf(V1Secret s) => Get(s.Metadata?.Annotations, ResolverAnnotation);

    public static AcmeAccountRecord? AccountOf(V1Secret s)
    {
        if (KindOf(s) != Account || Bytes(s, "privateKey") is not { Length: > 0 } key) return null;
        JsonNode? body = null;
        try { body = Text(s, "registration") is { Length: > 0 } r ? JsonNode.Parse(r) : null; }
        catch (System.Text.Json.JsonException) { }
        return new AcmeAccountRecord(Text(s, "email") ?? "", Text(s, "uri") ?? "", body, key);
    }

    /// <summary>The certificate a Secret holds; null when it is not one of ours or is incomplete (ignored, as Traefik drops empty ones).</summary>
    public static AcmeCertificateRecord? CertificateOf(V1Secret s)
    {
        if (KindOf(s) != Certificate || s.Type != "kubernetes.io/tls") return null;
        var crt = Text(s, "tls.crt");
        var key = Text(s, "tls.key");
        var domains = (Get(s.Metadata?.Annotations, DomainsAnnotation) ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (crt is not { Length: > 0 } || key is not { Length: > 0 } || domains.Length == 0) return null;
        var store = Get(s.Metadata?.Annotations, StoreAnnotation) is { Length: > 0 } st ? st : "default";
        return new AcmeCertificateRecord(domains[0], domains[1..], crt, key, store);
    }

    public static PendingChallenge? ChallengeOf(V1Secret s)
    {
        if (KindOf(s) != Challenge) return null;
        var type = Text(s, "type");
        var domain = Text(s, "domain");
        var auth = Text(s, "keyAuthorization");
        if (type is not (PendingChallenge.Http01 or PendingChallenge.TlsAlpn01) || domain is not { Length: > 0 } || auth is not { Length: > 0 }) return null;
        return new PendingChallenge(type, Text(s, "token") ?? "", domain, auth);
    }

    /// <summary>The same stored content (what an update would not change).</summary>
    public static bool SameContent(V1Secret a, V1Secret b) =>
        a.Type == b.Type
        && Same(a.Data, b.Data)
        && (a.Metadata?.Annotations ?? new Dictionary<string, string>()).OrderBy(p => p.Key).SequenceEqual((b.Metadata?.Annotations ?? new Dictionary<string, string>()).OrderBy(p => p.Key));

    private static bool Same(IDictionary<string, byte[]>? a, IDictionary<string, byte[]>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a ?? new Dictionary<string, byte[]>()).All(p => b!.TryGetValue(p.Key, out var v) && v.AsSpan().SequenceEqual(p.Value));

    private static V1ObjectMeta Meta(string ns, string name, string kind, string? resolver, IDictionary<string, string>? annotations)
    {
        var labels = new Dictionary<string, string> { [ManagedByLabel] = ManagedBy, [KindLabel] = kind };
        if (resolver is not null) labels[ResolverLabel] = LabelValue(resolver);
        return new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels, Annotations = annotations };
    }

    private static string? Get(IDictionary<string, string>? d, string key) => d is not null && d.TryGetValue(key, out var v) ? v : null;

    private static byte[]? Bytes(V1Secret s, string key) => s.Data?.TryGetValue(key, out var v) == true ? v : null;

    private static string? Text(V1Secret s, string key) => Bytes(s, key) is { } b ? Encoding.UTF8.GetString(b) : null;

    private static string Hash(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)))[..12];

    /// <summary>A DNS-1123 label piece of a resolver name (lower case, [a-z0-9-], at most 40 characters).</summary>
    private static string Dns(string resolver)
    {
        var chars = resolver.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var s = new string(chars).Trim('-');
        if (s.Length > 40) s = s[..40].TrimEnd('-');
        return s.Length == 0 ? "resolver" : s;
    }

    /// <summary>A label value: at most 63 characters of [A-Za-z0-9-_.], alphanumeric at both ends.</summary>
    private static string LabelValue(string resolver)
    {
        var s = new string(resolver.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray());
        if (s.Length > 63) s = s[..63];
        return s.Trim('-', '_', '.');
    }
}
