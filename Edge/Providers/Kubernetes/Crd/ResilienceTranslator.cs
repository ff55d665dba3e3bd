using System.Text.Json;
using Edge.GoCompat;
using Edge.Model;

namespace Edge.Providers.Kubernetes.Crd;

/// <summary>
/// Traefik's createRetryMiddleware, createCircuitBreakerMiddleware and createBufferingMiddleware:
/// durations are Kubernetes int-or-string (an integer is seconds, else a Go duration) shown as Go
/// prints them, Traefik's SetDefaults are applied (retry maxRequestBodyBytes 2 MiB; circuit
/// breaker 100ms / 10s / 10s / 503), and a field Edge does not read is refused by name.
/// </summary>
internal static class ResilienceTranslator
{
    private static readonly HashSet<string> RetryFields = new(StringComparer.Ordinal)
        { "attempts", "initialInterval", "timeout", "maxRequestBodyBytes", "status", "disableRetryOnNetworkError", "retryNonIdempotentMethod" };
    private static readonly HashSet<string> CircuitBreakerFields = new(StringComparer.Ordinal)
        { "expression", "checkPeriod", "fallbackDuration", "recoveryDuration", "responseCode" };
    private static readonly HashSet<string> BufferingFields = new(StringComparer.Ordinal)
        { "maxRequestBodyBytes", "memRequestBodyBytes", "maxResponseBodyBytes", "memResponseBodyBytes", "retryExpression" };

    public static RetryConfig? Retry(JsonElement spec, out string? error)
    {
        if (Unserved(spec, RetryFields, "retry", out error)) return null;
        var c = new RetryConfig { MaxRequestBodyBytes = Long(spec, "maxRequestBodyBytes") ?? Edge.DataPlane.Middlewares.MiddlewareBuilder.DefaultRetryMaxRequestBodyBytes };
        c.Attempts = (int?)Long(spec, "attempts") is { } attempts and not 0 ? attempts : null;
        if (!Duration(spec, "initialInterval", "retry", out var interval, out error) || !Duration(spec, "timeout", "retry", out var timeout, out error)) return null;
        c.InitialInterval = interval;
        c.Timeout = timeout;
        if (spec.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Array)
            c.Status = status.EnumerateArray().Select(s => s.ValueKind == JsonValueKind.String ? s.GetString() ?? "" : s.GetRawText()).ToList();
        c.DisableRetryOnNetworkError = Flag(spec, "disableRetryOnNetworkError") == true ? true : null;
        c.RetryNonIdempotentMethod = Flag(spec, "retryNonIdempotentMethod") == true ? true : null;
        return c;
    }

    public static CircuitBreakerConfig? CircuitBreaker(JsonElement spec, out string? error)
    {
        if (Unserved(spec, CircuitBreakerFields, "circuitBreaker", out error)) return null;
        var c = new CircuitBreakerConfig
        {
            Expression = spec.TryGetProperty("expression", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null,
            CheckPeriod = "100ms", FallbackDuration = "10s", RecoveryDuration = "10s", ResponseCode = 503,
        };
        if (!Duration(spec, "checkPeriod", "circuitBreaker", out var check, out error)
            || !Duration(spec, "fallbackDuration", "circuitBreaker", out var fallback, out error)
            || !Duration(spec, "recoveryDuration", "circuitBreaker", out var recovery, out error)) return null;
        // Traefik sets what is given, even 0 (its runtime then keeps oxy's default).
        if (spec.TryGetProperty("checkPeriod", out var v) && v.ValueKind != JsonValueKind.Null) c.CheckPeriod = check ?? "0s";
        if (spec.TryGetProperty("fallbackDuration", out v) && v.ValueKind != JsonValueKind.Null) c.FallbackDuration = fallback ?? "0s";
        if (spec.TryGetProperty("recoveryDuration", out v) && v.ValueKind != JsonValueKind.Null) c.RecoveryDuration = recovery ?? "0s";
        if (Long(spec, "responseCode") is { } code and not 0) c.ResponseCode = (int)code;
        return c;
    }

    public static BufferingConfig? Buffering(JsonElement spec, out string? error)
    {
        if (Unserved(spec, BufferingFields, "buffering", out error)) return null;
        static long? NonZero(long? v) => v is 0 ? null : v;
        return new BufferingConfig
        {
            MaxRequestBodyBytes = NonZero(Long(spec, "maxRequestBodyBytes")),
            MemRequestBodyBytes = NonZero(Long(spec, "memRequestBodyBytes")),
            MaxResponseBodyBytes = NonZero(Long(spec, "maxResponseBodyBytes")),
            MemResponseBodyBytes = NonZero(Long(spec, "memResponseBodyBytes")),
            RetryExpression = spec.TryGetProperty("retryExpression", out var e) && e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 } s ? s : null,
        };
    }

    private static long? Long(JsonElement spec, string key) =>
        spec.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    private static bool? Flag(JsonElement spec, string key) =>
        spec.TryGetProperty(key, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    private static bool Unserved(JsonElement spec, IReadOnlySet<string> known, string type, out string? error)
    {
        var fields = UnservedFields.Of(spec, known, type);
        error = fields.Count == 0 ? null
            : $"{string.Join(", ", fields)}: not supported by Edge, the middleware is not served without {(fields.Count == 1 ? "it" : "them")}";
        return error is not null;
    }

    /// <summary>An int-or-string duration as Go prints it; null when absent or zero.</summary>
    private static bool Duration(JsonElement spec, string key, string type, out string? value, out string? error)
    {
        value = null;
        error = null;
        if (!spec.TryGetProperty(key, out var p) || p.ValueKind == JsonValueKind.Null) return true;
        var text = p.ValueKind == JsonValueKind.Number ? p.GetRawText() : p.ValueKind == JsonValueKind.String ? p.GetString() ?? "" : null;
        if (text is null || !GoDuration.TryParse(text, out var ns))
        {
            error = $"invalid {type} configuration: {key}: time: invalid duration \"{text ?? p.GetRawText()}\"";
            return false;
        }
        value = ns == 0 ? null : GoDuration.Format(ns);
        return true;
    }
}
