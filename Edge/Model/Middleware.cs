using System.Text.Json.Serialization;

namespace Edge.Model;

/// <summary>
/// One of Traefik's HTTP middlewares (dynamic.Middleware): exactly one property is set. Field
/// names and shapes are Traefik's JSON tags, so /api/rawdata and the file provider read the same.
/// The types Edge serves are typed here; a configuration naming any other type is kept with
/// <see cref="Error"/> set, which puts every router using it in error (fail closed).
/// </summary>
public sealed class Middleware
{
    [JsonPropertyName("addPrefix")] public AddPrefixConfig? AddPrefix { get; set; }
    [JsonPropertyName("stripPrefix")] public StripPrefixConfig? StripPrefix { get; set; }
    [JsonPropertyName("stripPrefixRegex")] public StripPrefixRegexConfig? StripPrefixRegex { get; set; }
    [JsonPropertyName("replacePath")] public ReplacePathConfig? ReplacePath { get; set; }
    [JsonPropertyName("replacePathRegex")] public ReplacePathRegexConfig? ReplacePathRegex { get; set; }
    [JsonPropertyName("redirectScheme")] public RedirectSchemeConfig? RedirectScheme { get; set; }
    [JsonPropertyName("redirectRegex")] public RedirectRegexConfig? RedirectRegex { get; set; }
    [JsonPropertyName("headers")] public HeadersConfig? Headers { get; set; }
    [JsonPropertyName("basicAuth")] public BasicAuthConfig? BasicAuth { get; set; }
    [JsonPropertyName("ipAllowList")] public IpAllowListConfig? IpAllowList { get; set; }
    [JsonPropertyName("chain")] public ChainConfig? Chain { get; set; }
    [JsonPropertyName("inFlightReq")] public InFlightReqConfig? InFlightReq { get; set; }
    [JsonPropertyName("rateLimit")] public RateLimitConfig? RateLimit { get; set; }
    [JsonPropertyName("compress")] public CompressConfig? Compress { get; set; }
    [JsonPropertyName("forwardAuth")] public ForwardAuthConfig? ForwardAuth { get; set; }
    [JsonPropertyName("errors")] public ErrorPageConfig? Errors { get; set; }
    [JsonPropertyName("retry")] public RetryConfig? Retry { get; set; }
    [JsonPropertyName("buffering")] public BufferingConfig? Buffering { get; set; }
    [JsonPropertyName("circuitBreaker")] public CircuitBreakerConfig? CircuitBreaker { get; set; }
    [JsonPropertyName("digestAuth")] public DigestAuthConfig? DigestAuth { get; set; }
    [JsonPropertyName("contentType")] public ContentTypeConfig? ContentType { get; set; }
    [JsonPropertyName("encodedCharacters")] public EncodedCharactersConfig? EncodedCharacters { get; set; }
    [JsonPropertyName("passTLSClientCert")] public PassTlsClientCertConfig? PassTlsClientCert { get; set; }
    [JsonPropertyName("grpcWeb")] public GrpcWebConfig? GrpcWeb { get; set; }

    /// <summary>Why this middleware cannot be served (unsupported type, missing Secret, bad option); null when it can.</summary>
    [JsonIgnore] public string? Error { get; set; }

    /// <summary>The namespace of the Middleware object it came from (CRD provider); null for other providers.</summary>
    [JsonIgnore] public string? Namespace { get; set; }

    /// <summary>Traefik's type name (the JSON property that is set), as /api/http/middlewares shows it.</summary>
    [JsonIgnore] public string? TypeName { get; set; }
}

public sealed class AddPrefixConfig { [JsonPropertyName("prefix")] public string? Prefix { get; set; } }

public sealed class StripPrefixConfig
{
    [JsonPropertyName("prefixes")] public List<string>? Prefixes { get; set; }
    [JsonPropertyName("forceSlash")] public bool? ForceSlash { get; set; }
}

public sealed class StripPrefixRegexConfig { [JsonPropertyName("regex")] public List<string>? Regex { get; set; } }

public sealed class ReplacePathConfig { [JsonPropertyName("path")] public string? Path { get; set; } }

public sealed class ReplacePathRegexConfig
{
    [JsonPropertyName("regex")] public string? Regex { get; set; }
    [JsonPropertyName("replacement")] public string? Replacement { get; set; }
}

public sealed class RedirectSchemeConfig
{
    [JsonPropertyName("scheme")] public string? Scheme { get; set; }
    [JsonPropertyName("port")] public string? Port { get; set; }
    [JsonPropertyName("permanent")] public bool? Permanent { get; set; }
}

public sealed class RedirectRegexConfig
{
    [JsonPropertyName("regex")] public string? Regex { get; set; }
    [JsonPropertyName("replacement")] public string? Replacement { get; set; }
    [JsonPropertyName("permanent")] public bool? Permanent { get; set; }
}

public sealed class HeadersConfig
{
    [JsonPropertyName("customRequestHeaders")] public SortedDictionary<string, string>? CustomRequestHeaders { get; set; }
    [JsonPropertyName("customResponseHeaders")] public SortedDictionary<string, string>? CustomResponseHeaders { get; set; }
    [JsonPropertyName("accessControlAllowCredentials")] public bool? AccessControlAllowCredentials { get; set; }
    [JsonPropertyName("accessControlAllowHeaders")] public List<string>? AccessControlAllowHeaders { get; set; }
    [JsonPropertyName("accessControlAllowMethods")] public List<string>? AccessControlAllowMethods { get; set; }
    [JsonPropertyName("accessControlAllowOriginList")] public List<string>? AccessControlAllowOriginList { get; set; }
    [JsonPropertyName("accessControlExposeHeaders")] public List<string>? AccessControlExposeHeaders { get; set; }
    [JsonPropertyName("accessControlMaxAge")] public long? AccessControlMaxAge { get; set; }
    [JsonPropertyName("addVaryHeader")] public bool? AddVaryHeader { get; set; }
    [JsonPropertyName("stsSeconds")] public long? StsSeconds { get; set; }
    [JsonPropertyName("stsIncludeSubdomains")] public bool? StsIncludeSubdomains { get; set; }
    [JsonPropertyName("stsPreload")] public bool? StsPreload { get; set; }
    [JsonPropertyName("forceSTSHeader")] public bool? ForceStsHeader { get; set; }
    [JsonPropertyName("frameDeny")] public bool? FrameDeny { get; set; }
    [JsonPropertyName("customFrameOptionsValue")] public string? CustomFrameOptionsValue { get; set; }
    [JsonPropertyName("contentTypeNosniff")] public bool? ContentTypeNosniff { get; set; }
    [JsonPropertyName("browserXssFilter")] public bool? BrowserXssFilter { get; set; }
    [JsonPropertyName("customBrowserXSSValue")] public string? CustomBrowserXssValue { get; set; }
    [JsonPropertyName("contentSecurityPolicy")] public string? ContentSecurityPolicy { get; set; }
    [JsonPropertyName("contentSecurityPolicyReportOnly")] public string? ContentSecurityPolicyReportOnly { get; set; }
    [JsonPropertyName("referrerPolicy")] public string? ReferrerPolicy { get; set; }
    [JsonPropertyName("permissionsPolicy")] public string? PermissionsPolicy { get; set; }
}

public sealed class BasicAuthConfig
{
    /// <summary>htpasswd lines (user:hash). From the CRD provider: the Secret's lines.</summary>
    [JsonPropertyName("users")] public List<string>? Users { get; set; }
    /// <summary>An htpasswd file (file provider): its lines come first, inline users after (a later line for a user wins), as Traefik's getUsers.</summary>
    [JsonPropertyName("usersFile")] public string? UsersFile { get; set; }
    [JsonPropertyName("realm")] public string? Realm { get; set; }
    [JsonPropertyName("removeHeader")] public bool? RemoveHeader { get; set; }
    [JsonPropertyName("headerField")] public string? HeaderField { get; set; }
}

public sealed class IpAllowListConfig
{
    [JsonPropertyName("sourceRange")] public List<string>? SourceRange { get; set; }
    [JsonPropertyName("ipStrategy")] public IpStrategyConfig? IpStrategy { get; set; }
    [JsonPropertyName("rejectStatusCode")] public int? RejectStatusCode { get; set; }
}

public sealed class IpStrategyConfig
{
    [JsonPropertyName("depth")] public int? Depth { get; set; }
    [JsonPropertyName("excludedIPs")] public List<string>? ExcludedIps { get; set; }
}

public sealed class ChainConfig { [JsonPropertyName("middlewares")] public List<string>? Middlewares { get; set; } }

public sealed class InFlightReqConfig
{
    [JsonPropertyName("amount")] public long? Amount { get; set; }
    [JsonPropertyName("sourceCriterion")] public SourceCriterionConfig? SourceCriterion { get; set; }
}

/// <summary>
/// Traefik's dynamic.RateLimit as the CRD provider fills it: burst and period carry Traefik's
/// defaults (1, "1s") when unset; period is shown as Go prints a duration.
/// </summary>
public sealed class RateLimitConfig
{
    [JsonPropertyName("average")] public long? Average { get; set; }
    [JsonPropertyName("period")] public string? Period { get; set; }
    [JsonPropertyName("burst")] public long? Burst { get; set; }
    [JsonPropertyName("sourceCriterion")] public SourceCriterionConfig? SourceCriterion { get; set; }
}

/// <summary>Traefik's SourceCriterion: what groups requests as one source (the three are mutually exclusive).</summary>
public sealed class SourceCriterionConfig
{
    [JsonPropertyName("ipStrategy")] public IpStrategyConfig? IpStrategy { get; set; }
    [JsonPropertyName("requestHeaderName")] public string? RequestHeaderName { get; set; }
    [JsonPropertyName("requestHost")] public bool? RequestHost { get; set; }
}

/// <summary>Traefik's dynamic.Compress; encodings defaults to gzip, br, zstd (Traefik's SetDefaults, applied by the provider).</summary>
public sealed class CompressConfig
{
    [JsonPropertyName("excludedContentTypes")] public List<string>? ExcludedContentTypes { get; set; }
    [JsonPropertyName("includedContentTypes")] public List<string>? IncludedContentTypes { get; set; }
    [JsonPropertyName("minResponseBodyBytes")] public int? MinResponseBodyBytes { get; set; }
    [JsonPropertyName("encodings")] public List<string>? Encodings { get; set; }
    [JsonPropertyName("defaultEncoding")] public string? DefaultEncoding { get; set; }
}

/// <summary>Traefik's dynamic.ForwardAuth; maxBodySize defaults to -1 (no limit), Traefik's SetDefaults.</summary>
public sealed class ForwardAuthConfig
{
    [JsonPropertyName("address")] public string? Address { get; set; }
    [JsonPropertyName("tls")] public ClientTlsConfig? Tls { get; set; }
    [JsonPropertyName("trustForwardHeader")] public bool? TrustForwardHeader { get; set; }
    [JsonPropertyName("authResponseHeaders")] public List<string>? AuthResponseHeaders { get; set; }
    [JsonPropertyName("authResponseHeadersRegex")] public string? AuthResponseHeadersRegex { get; set; }
    [JsonPropertyName("authRequestHeaders")] public List<string>? AuthRequestHeaders { get; set; }
    [JsonPropertyName("addAuthCookiesToResponse")] public List<string>? AddAuthCookiesToResponse { get; set; }
    [JsonPropertyName("headerField")] public string? HeaderField { get; set; }
    [JsonPropertyName("forwardBody")] public bool? ForwardBody { get; set; }
    [JsonPropertyName("maxBodySize")] public long? MaxBodySize { get; set; }
    [JsonPropertyName("preserveLocationHeader")] public bool? PreserveLocationHeader { get; set; }
    [JsonPropertyName("maxResponseBodySize")] public long? MaxResponseBodySize { get; set; }
    [JsonPropertyName("preserveRequestMethod")] public bool? PreserveRequestMethod { get; set; }
    [JsonPropertyName("authSigninURL")] public string? AuthSigninUrl { get; set; }
}

/// <summary>Traefik's dynamic.ClientTLS: PEM contents (the CRD provider reads them from Secrets). The key is never shown.</summary>
public sealed class ClientTlsConfig
{
    [JsonPropertyName("ca")] public string? Ca { get; set; }
    [JsonPropertyName("cert")] public string? Cert { get; set; }
    [JsonPropertyName("key")] public string? Key { get; set; }
    [JsonPropertyName("insecureSkipVerify")] public bool? InsecureSkipVerify { get; set; }
}

/// <summary>Traefik's dynamic.ErrorPage: the service is a name in the dynamic configuration.</summary>
public sealed class ErrorPageConfig
{
    [JsonPropertyName("status")] public List<string>? Status { get; set; }
    [JsonPropertyName("statusRewrites")] public SortedDictionary<string, int>? StatusRewrites { get; set; }
    [JsonPropertyName("service")] public string? Service { get; set; }
    [JsonPropertyName("query")] public string? Query { get; set; }
    [JsonPropertyName("errorRequestHeaders")] public List<string>? ErrorRequestHeaders { get; set; }
}

/// <summary>
/// Traefik's dynamic.Retry; durations are Go duration text (a bare number is seconds).
/// maxRequestBodyBytes defaults to 2 MiB (Traefik's SetDefaults, applied by the providers).
/// </summary>
public sealed class RetryConfig
{
    [JsonPropertyName("attempts")] public int? Attempts { get; set; }
    [JsonPropertyName("timeout")] public string? Timeout { get; set; }
    [JsonPropertyName("initialInterval")] public string? InitialInterval { get; set; }
    [JsonPropertyName("maxRequestBodyBytes")] public long? MaxRequestBodyBytes { get; set; }
    [JsonPropertyName("status")] public List<string>? Status { get; set; }
    [JsonPropertyName("disableRetryOnNetworkError")] public bool? DisableRetryOnNetworkError { get; set; }
    [JsonPropertyName("retryNonIdempotentMethod")] public bool? RetryNonIdempotentMethod { get; set; }
}

/// <summary>Traefik's dynamic.Buffering: sizes in bytes (0: no maximum; mem* default 1 MiB), retryExpression in the circuit breaker's language.</summary>
public sealed class BufferingConfig
{
    [JsonPropertyName("maxRequestBodyBytes")] public long? MaxRequestBodyBytes { get; set; }
    [JsonPropertyName("memRequestBodyBytes")] public long? MemRequestBodyBytes { get; set; }
    [JsonPropertyName("maxResponseBodyBytes")] public long? MaxResponseBodyBytes { get; set; }
    [JsonPropertyName("memResponseBodyBytes")] public long? MemResponseBodyBytes { get; set; }
    [JsonPropertyName("retryExpression")] public string? RetryExpression { get; set; }
}

/// <summary>
/// Traefik's dynamic.CircuitBreaker; durations are Go duration text. Defaults (Traefik's
/// SetDefaults): checkPeriod 100ms, fallbackDuration 10s, recoveryDuration 10s, responseCode 503.
/// </summary>
public sealed class CircuitBreakerConfig
{
    [JsonPropertyName("expression")] public string? Expression { get; set; }
    [JsonPropertyName("checkPeriod")] public string? CheckPeriod { get; set; }
    [JsonPropertyName("fallbackDuration")] public string? FallbackDuration { get; set; }
    [JsonPropertyName("recoveryDuration")] public string? RecoveryDuration { get; set; }
    [JsonPropertyName("responseCode")] public int? ResponseCode { get; set; }
}

/// <summary>Traefik's dynamic.DigestAuth: users are <c>name:realm:md5(name:realm:password)</c> lines (from the CRD provider: the Secret's).</summary>
public sealed class DigestAuthConfig
{
    [JsonPropertyName("users")] public List<string>? Users { get; set; }
    [JsonPropertyName("usersFile")] public string? UsersFile { get; set; }
    [JsonPropertyName("realm")] public string? Realm { get; set; }
    [JsonPropertyName("removeHeader")] public bool? RemoveHeader { get; set; }
    [JsonPropertyName("headerField")] public string? HeaderField { get; set; }
}

/// <summary>Traefik's dynamic.ContentType: autoDetect is deprecated; only false changes anything (the middleware then does nothing).</summary>
public sealed class ContentTypeConfig
{
    [JsonPropertyName("autoDetect")] public bool? AutoDetect { get; set; }
}

/// <summary>Traefik's dynamic.EncodedCharacters: every listed encoding is refused unless allowed.</summary>
public sealed class EncodedCharactersConfig
{
    [JsonPropertyName("allowEncodedSlash")] public bool? AllowEncodedSlash { get; set; }
    [JsonPropertyName("allowEncodedBackSlash")] public bool? AllowEncodedBackSlash { get; set; }
    [JsonPropertyName("allowEncodedNullCharacter")] public bool? AllowEncodedNullCharacter { get; set; }
    [JsonPropertyName("allowEncodedSemicolon")] public bool? AllowEncodedSemicolon { get; set; }
    [JsonPropertyName("allowEncodedPercent")] public bool? AllowEncodedPercent { get; set; }
    [JsonPropertyName("allowEncodedQuestionMark")] public bool? AllowEncodedQuestionMark { get; set; }
    [JsonPropertyName("allowEncodedHash")] public bool? AllowEncodedHash { get; set; }
}

/// <summary>Traefik's dynamic.GrpcWeb: the origins a browser may call from (<c>*</c> for any); CORS answers only those.</summary>
public sealed class GrpcWebConfig
{
    [JsonPropertyName("allowOrigins")] public List<string>? AllowOrigins { get; set; }
}
