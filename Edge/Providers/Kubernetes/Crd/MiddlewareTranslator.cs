using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Edge.Configuration;
using Edge.GoCompat;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;
using k8s.Models;

namespace Edge.Providers.Kubernetes.Crd;

/// <summary>
/// Traefik's CRD provider for the Middleware kind, as a pure function: Middleware objects (and the
/// Secrets they name) to dynamic middlewares named <c>namespace-name</c>, qualified with
/// <see cref="Provider"/> by the aggregation. A middleware Edge cannot serve is kept with its
/// <see cref="Middleware.Error"/> set, so that the routers using it are shown in error and never
/// served without it.
/// </summary>
public static class MiddlewareTranslator
{
    public const string Provider = ProviderNames.KubernetesCrd;

    /// <summary>Traefik v3.7 middleware types Edge does not serve yet: a router using one is in error.</summary>
    private static readonly HashSet<string> NotYetServed = new(StringComparer.Ordinal)
    {
        "plugin",
    };

    /// <param name="services">Receives the services middlewares define (an errors middleware's page service).</param>
    public static SortedDictionary<string, Middleware> Translate(ClusterSnapshot snapshot, CrdProviderOptions options, List<TranslationIssue> issues,
        IDictionary<string, Service>? services = null)
    {
        var result = new SortedDictionary<string, Middleware>(StringComparer.Ordinal);
        foreach (var m in snapshot.Middlewares)
        {
            var ns = m.Metadata?.NamespaceProperty ?? "default";
            var name = m.Metadata?.Name ?? "";
            var id = Normalize(ns + "-" + name);
            var middleware = TranslateOne(snapshot, options, m, ns, id, services);
            middleware.Namespace = ns;
            if (middleware.Error is not null) issues.Add(new TranslationIssue("Middleware", ns, name, middleware.Error));
            result[id] = middleware;
        }
        return result;
    }

    private static Middleware TranslateOne(ClusterSnapshot snapshot, CrdProviderOptions options, TraefikMiddleware m, string ns, string id,
        IDictionary<string, Service>? services)
    {
        var mw = new Middleware();
        if (m.Spec.ValueKind != JsonValueKind.Object) return Failed(mw, "spec is missing or not an object");
        var types = new List<string>();
        foreach (var p in m.Spec.EnumerateObject())
            if (p.Value.ValueKind != JsonValueKind.Null) types.Add(p.Name);
        if (types.Count == 0) return Failed(mw, "invalid middleware configuration: no middleware type is set");
        // Traefik refuses these too: one middleware, one type.
        if (types.Count > 1) return Failed(mw, "multi-types middleware not supported, consider declaring two different pieces of middleware instead");
        var type = types[0];
        mw.TypeName = type;
        var spec = m.Spec.GetProperty(type);
        try
        {
            switch (type)
            {
                case "addPrefix": mw.AddPrefix = Read(spec, ModelJsonContext.Default.AddPrefixConfig, type); break;
                case "stripPrefix": mw.StripPrefix = Read(spec, ModelJsonContext.Default.StripPrefixConfig, type); break;
                case "stripPrefixRegex": mw.StripPrefixRegex = Read(spec, ModelJsonContext.Default.StripPrefixRegexConfig, type); break;
                case "replacePath": mw.ReplacePath = Read(spec, ModelJsonContext.Default.ReplacePathConfig, type); break;
                case "replacePathRegex": mw.ReplacePathRegex = Read(spec, ModelJsonContext.Default.ReplacePathRegexConfig, type); break;
                case "redirectScheme": mw.RedirectScheme = Read(spec, ModelJsonContext.Default.RedirectSchemeConfig, type); break;
                case "redirectRegex": mw.RedirectRegex = Read(spec, ModelJsonContext.Default.RedirectRegexConfig, type); break;
                case "headers": mw.Headers = Read(spec, ModelJsonContext.Default.HeadersConfig, type); break;
                // ipWhiteList is Traefik's deprecated name of the same middleware.
                case "ipAllowList" or "ipWhiteList": mw.IpAllowList = Read(spec, ModelJsonContext.Default.IpAllowListConfig, type); mw.TypeName = "ipAllowList"; break;
                case "rateLimit": return RateLimit(spec, mw);
                case "inFlightReq":
                    mw.InFlightReq = Read(spec, ModelJsonContext.Default.InFlightReqConfig, type);
                    // Traefik's amount is omitempty: 0 is not shown.
                    if (mw.InFlightReq is { Amount: 0 }) mw.InFlightReq.Amount = null;
                    break;
                case "compress":
                    // Traefik's createCompressMiddleware: SetDefaults (encodings gzip, br, zstd), then what is set.
                    mw.Compress = Read(spec, ModelJsonContext.Default.CompressConfig, type) ?? new CompressConfig();
                    mw.Compress.Encodings ??= ["gzip", "br", "zstd"];
                    if (mw.Compress.MinResponseBodyBytes is 0) mw.Compress.MinResponseBodyBytes = null;
                    if (mw.Compress.DefaultEncoding is "") mw.Compress.DefaultEncoding = null;
                    break;
                case "forwardAuth":
                    mw.ForwardAuth = ForwardAuthTranslator.Translate(snapshot, ns, spec, out var authError);
                    if (authError is null && options.Tenancy is not null) authError = TenantReferences.ForwardAuthAddress(ns, mw.ForwardAuth?.Address);
                    return authError is null ? mw : Failed(mw, authError);
                case "errors":
                    mw.Errors = ErrorPageTranslator.Translate(snapshot, options, ns, id, spec, services, out var pageError);
                    return pageError is null ? mw : Failed(mw, pageError);
                case "encodedCharacters": mw.EncodedCharacters = Read(spec, ModelJsonContext.Default.EncodedCharactersConfig, type) ?? new EncodedCharactersConfig(); break;
                case "passTLSClientCert": mw.PassTlsClientCert = Read(spec, ModelJsonContext.Default.PassTlsClientCertConfig, type) ?? new PassTlsClientCertConfig(); break;
                case "grpcWeb": mw.GrpcWeb = Read(spec, ModelJsonContext.Default.GrpcWebConfig, type) ?? new GrpcWebConfig(); break;
                case "contentType": mw.ContentType = Read(spec, ModelJsonContext.Default.ContentTypeConfig, type) ?? new ContentTypeConfig(); break;
                case "retry":
                    mw.Retry = ResilienceTranslator.Retry(spec, out var retryError);
                    return retryError is null ? mw : Failed(mw, retryError);
                case "circuitBreaker":
                    mw.CircuitBreaker = ResilienceTranslator.CircuitBreaker(spec, out var breakerError);
                    return breakerError is null ? mw : Failed(mw, breakerError);
                case "buffering":
                    mw.Buffering = ResilienceTranslator.Buffering(spec, out var bufferingError);
                    return bufferingError is null ? mw : Failed(mw, bufferingError);
                case "basicAuth": return BasicAuth(snapshot, ns, spec, mw);
                case "digestAuth": return DigestAuth(snapshot, ns, spec, mw);
                case "chain": return Chain(options, ns, spec, mw);
                default:
                    return Failed(mw, NotYetServed.Contains(type)
                        ? $"middleware type \"{type}\" is not supported by Edge yet"
                        : $"unknown middleware type \"{type}\"");
            }
        }
        catch (JsonException e)
        {
            return Failed(mw, $"invalid {type} configuration: {e.Message}");
        }
        catch (UnservedFieldsException e)
        {
            return Failed(mw, e.Message);
        }
        return mw;
    }

    /// <summary>Reads a type's spec into Edge's model, refusing it when a field would be dropped (see <see cref="UnservedFields"/>).</summary>
    private static T? Read<T>(JsonElement spec, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info, string type)
    {
        var value = spec.Deserialize(info);
        if (value is not null && UnservedFields.Of(spec, value, info, type) is { Count: > 0 } fields)
            throw new UnservedFieldsException(fields);
        return value;
    }

    private static readonly HashSet<string> BasicAuthFields = new(StringComparer.Ordinal) { "secret", "realm", "removeHeader", "headerField" };
    private static readonly HashSet<string> RateLimitFields = new(StringComparer.Ordinal) { "average", "period", "burst", "sourceCriterion" };
    private static readonly HashSet<string> ChainFields = new(StringComparer.Ordinal) { "middlewares" };
    private static readonly HashSet<string> ChainItemFields = new(StringComparer.Ordinal) { "name", "namespace" };

    private sealed class UnservedFieldsException(IReadOnlyList<string> fields)
        : Exception($"{string.Join(", ", fields)}: not supported by Edge, the middleware is not served without {(fields.Count == 1 ? "it" : "them")}");

    /// <summary>
    /// Traefik's createRateLimitMiddleware: burst 1 and period 1s unless set, the period an integer
    /// (seconds) or a Go duration. Fields left at zero are not shown, as Traefik's omitempty. redis
    /// (a shared store) is not served: the middleware is refused rather than limited per instance.
    /// </summary>
    private static Middleware RateLimit(JsonElement spec, Middleware mw)
    {
        if (UnservedFields.Of(spec, RateLimitFields, "rateLimit") is { Count: > 0 } unserved) throw new UnservedFieldsException(unserved);
        long average = 0, burst = 1, periodNs = GoDuration.Second;
        if (spec.TryGetProperty("average", out var a) && a.ValueKind != JsonValueKind.Null && !a.TryGetInt64(out average))
            return Failed(mw, "invalid rateLimit configuration: average must be an integer");
        if (spec.TryGetProperty("burst", out var b) && b.ValueKind != JsonValueKind.Null && !b.TryGetInt64(out burst))
            return Failed(mw, "invalid rateLimit configuration: burst must be an integer");
        if (spec.TryGetProperty("period", out var p) && p.ValueKind != JsonValueKind.Null)
        {
            var text = p.ValueKind == JsonValueKind.Number ? p.GetRawText() : p.ValueKind == JsonValueKind.String ? p.GetString() ?? "" : null;
            if (text is null || !GoDuration.TryParse(text, out periodNs))
                return Failed(mw, $"invalid rateLimit configuration: time: invalid duration \"{text ?? p.GetRawText()}\"");
        }
        var config = new RateLimitConfig
        {
            Average = average == 0 ? null : average,
            Burst = burst == 0 ? null : burst,
            Period = periodNs == 0 ? null : GoDuration.Format(periodNs),
        };
        if (spec.TryGetProperty("sourceCriterion", out var sc) && sc.ValueKind != JsonValueKind.Null)
            config.SourceCriterion = Read(sc, ModelJsonContext.Default.SourceCriterionConfig, "rateLimit.sourceCriterion");
        mw.RateLimit = config;
        return mw;
    }

    private static Middleware BasicAuth(ClusterSnapshot snapshot, string ns, JsonElement spec, Middleware mw)
    {
        string? Str(string key) => spec.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        bool? Flag(string key) => spec.TryGetProperty(key, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;
        if (UnservedFields.Of(spec, BasicAuthFields, "basicAuth") is { Count: > 0 } unserved) throw new UnservedFieldsException(unserved);
        var secretName = Str("secret");
        if (string.IsNullOrEmpty(secretName)) return Failed(mw, "auth secret must be set");
        var secret = snapshot.GetSecret(ns, secretName);
        if (secret is null) return Failed(mw, $"secret '{ns}/{secretName}' not found");
        var users = Credentials(secret, ns, secretName, out var error);
        if (users is null) return Failed(mw, "failed to load basic auth credentials: " + error);
        mw.BasicAuth = new BasicAuthConfig { Users = users, Realm = Str("realm"), RemoveHeader = Flag("removeHeader"), HeaderField = Str("headerField") };
        return mw;
    }

    /// <summary>Traefik's createDigestAuthMiddleware: the Secret has exactly one key of <c>user:realm:hash</c> lines.</summary>
    private static Middleware DigestAuth(ClusterSnapshot snapshot, string ns, JsonElement spec, Middleware mw)
    {
        string? Str(string key) => spec.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        bool? Flag(string key) => spec.TryGetProperty(key, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;
        if (UnservedFields.Of(spec, BasicAuthFields, "digestAuth") is { Count: > 0 } unserved) throw new UnservedFieldsException(unserved);
        var secretName = Str("secret");
        if (string.IsNullOrEmpty(secretName)) return Failed(mw, "auth secret must be set");
        var secret = snapshot.GetSecret(ns, secretName);
        if (secret is null) return Failed(mw, $"secret '{ns}/{secretName}' not found");
        // Traefik's loadAuthCredentials: no kubernetes.io/basic-auth shape for digest.
        string? error = $"found {secret.Data?.Count ?? 0} elements for secret '{ns}/{secretName}', must be single element exactly";
        var lines = secret.Type == "kubernetes.io/basic-auth" ? null : Credentials(secret, ns, secretName, out error);
        if (lines is null) return Failed(mw, "failed to load digest auth credentials: " + error);
        mw.DigestAuth = new DigestAuthConfig { Users = lines, Realm = Str("realm"), RemoveHeader = Flag("removeHeader"), HeaderField = Str("headerField") };
        return mw;
    }

    /// <summary>
    /// Traefik's two Secret shapes: kubernetes.io/basic-auth (username + password, hashed with SHA1
    /// here) or exactly one key holding htpasswd lines.
    /// </summary>
    private static List<string>? Credentials(V1Secret secret, string ns, string name, out string? error)
    {
        error = null;
        var data = secret.Data ?? new Dictionary<string, byte[]>();
        if (secret.Type == "kubernetes.io/basic-auth")
        {
            if (!data.TryGetValue("username", out var user) || !data.TryGetValue("password", out var password))
            {
                error = $"secret '{ns}/{name}' must contain both username and password keys";
                return null;
            }
            return [$"{Encoding.UTF8.GetString(user)}:{{SHA}}{Convert.ToBase64String(SHA1.HashData(password))}"];
        }
        if (data.Count != 1)
        {
            error = $"found {data.Count} elements for secret '{ns}/{name}', must be single element exactly";
            return null;
        }
        var lines = Encoding.UTF8.GetString(data.Values.First()).Split('\n')
            .Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0)
        {
            error = $"secret '{ns}/{name}' does not contain any credentials";
            return null;
        }
        return lines;
    }

    private static Middleware Chain(CrdProviderOptions options, string ns, JsonElement spec, Middleware mw)
    {
        var names = new List<string>();
        if (UnservedFields.Of(spec, ChainFields, "chain") is { Count: > 0 } unserved) throw new UnservedFieldsException(unserved);
        if (spec.TryGetProperty("middlewares", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray())
            {
                if (UnservedFields.Of(item, ChainItemFields, "chain.middlewares[]") is { Count: > 0 } unservedItem) throw new UnservedFieldsException(unservedItem);
                var name = item.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() ?? "" : "";
                var refNs = item.TryGetProperty("namespace", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() ?? "" : "";
                if (Reference(options, ns, refNs, name, out var error) is { } qualified) names.Add(qualified);
                else return Failed(mw, $"invalid reference to middleware {name}: {error}");
            }
        }
        mw.Chain = new ChainConfig { Middlewares = names };
        return mw;
    }

    /// <summary>Traefik's resolveReference: a qualified name passes (unless it points back here across namespaces), else namespace-name.</summary>
    public static string? Reference(CrdProviderOptions options, string parentNs, string ns, string name, out string? error)
    {
        error = null;
        if (name.Contains('@'))
        {
            if (!options.AllowCrossNamespace && name.EndsWith("@" + Provider, StringComparison.Ordinal))
            {
                error = "when allowCrossNamespace is disabled, @kubernetescrd references are disallowed";
                return null;
            }
            return name;
        }
        if (ns.Length == 0) ns = parentNs;
        if (!options.AllowCrossNamespace && ns != parentNs)
        {
            error = "allowCrossNamespace is disabled, cross-namespace are disallowed";
            return null;
        }
        return Normalize(ns + "-" + name) + "@" + Provider;
    }

    /// <summary>Traefik's provider.Normalize (shared with the Ingress provider).</summary>
    public static string Normalize(string name) => Naming.Normalize(name);

    private static Middleware Failed(Middleware mw, string error)
    {
        mw.Error = error;
        return mw;
    }
}
