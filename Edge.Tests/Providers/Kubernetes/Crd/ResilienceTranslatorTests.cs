using System.Text.Json;
using Edge.Model;

namespace Edge.Tests.Providers.Kubernetes.Crd;

/// <summary>
/// retry, circuitBreaker, buffering and digestAuth Middleware objects read as Traefik's CRD
/// provider reads them (createRetryMiddleware, createCircuitBreakerMiddleware,
/// createBufferingMiddleware, createDigestAuthMiddleware): defaults, int-or-string durations,
/// Secrets, fields Edge does not read refused by name.
/// </summary>
public class ResilienceTranslatorTests
{
    private static Middleware One(string spec, string extra = "") => MiddlewareTypesTranslatorTests.Translate(spec, extra).Middlewares["default-mw"];

    [Test]
    [Arguments("retry:\n    attempts: 3", """{"attempts":3,"maxRequestBodyBytes":2097152}""")]
    [Arguments("retry:\n    attempts: 4\n    initialInterval: 100ms\n    timeout: 2", """{"attempts":4,"timeout":"2s","initialInterval":"100ms","maxRequestBodyBytes":2097152}""")]
    [Arguments("retry:\n    attempts: 2\n    status: [\"500-599\"]\n    maxRequestBodyBytes: 10\n    disableRetryOnNetworkError: true\n    retryNonIdempotentMethod: true",
        """{"attempts":2,"maxRequestBodyBytes":10,"status":["500-599"],"disableRetryOnNetworkError":true,"retryNonIdempotentMethod":true}""")]
    public async Task Retry_gets_Traefiks_defaults_and_durations(string spec, string json)
    {
        var m = One(spec);
        await Assert.That(m.Error).IsNull();
        await Assert.That(JsonSerializer.Serialize(m.Retry!, ModelJsonContext.Default.RetryConfig)).IsEqualTo(json);
    }

    [Test]
    [Arguments("circuitBreaker:\n    expression: NetworkErrorRatio() > 0.5",
        """{"expression":"NetworkErrorRatio() \u003E 0.5","checkPeriod":"100ms","fallbackDuration":"10s","recoveryDuration":"10s","responseCode":503}""")]
    [Arguments("circuitBreaker:\n    expression: NetworkErrorRatio() > 0.5\n    checkPeriod: 1\n    fallbackDuration: 30s\n    recoveryDuration: 1m\n    responseCode: 429",
        """{"expression":"NetworkErrorRatio() \u003E 0.5","checkPeriod":"1s","fallbackDuration":"30s","recoveryDuration":"1m0s","responseCode":429}""")]
    public async Task CircuitBreaker_gets_Traefiks_defaults(string spec, string json)
    {
        var m = One(spec);
        await Assert.That(m.Error).IsNull();
        await Assert.That(JsonSerializer.Serialize(m.CircuitBreaker!, ModelJsonContext.Default.CircuitBreakerConfig)).IsEqualTo(json);
    }

    [Test]
    public async Task Buffering_keeps_what_is_set()
    {
        var m = One("buffering:\n    maxRequestBodyBytes: 100\n    memResponseBodyBytes: 0\n    retryExpression: IsNetworkError() && Attempts() < 2");
        await Assert.That(m.Error).IsNull();
        await Assert.That(JsonSerializer.Serialize(m.Buffering!, ModelJsonContext.Default.BufferingConfig))
            .IsEqualTo("""{"maxRequestBodyBytes":100,"retryExpression":"IsNetworkError() \u0026\u0026 Attempts() \u003C 2"}""");
    }

    [Test]
    [Arguments("retry:\n    attempts: 2\n    initialInterval: soon", "invalid retry configuration: initialInterval: time: invalid duration \"soon\"")]
    [Arguments("retry:\n    attempts: 2\n    backoff: 1", "retry.backoff: not supported by Edge, the middleware is not served without it")]
    [Arguments("circuitBreaker:\n    expression: x\n    halfOpen: true", "circuitBreaker.halfOpen: not supported by Edge, the middleware is not served without it")]
    [Arguments("buffering:\n    maxRequestBodyByte: 1", "buffering.maxRequestBodyByte: not supported by Edge, the middleware is not served without it")]
    [Arguments("digestAuth: {}", "auth secret must be set")]
    [Arguments("digestAuth:\n    secret: missing", "secret 'default/missing' not found")]
    public async Task Bad_input_is_in_error_naming_it(string spec, string expected)
    {
        var m = One(spec);
        await Assert.That(m.Error).IsEqualTo(expected);
    }

    [Test]
    public async Task DigestAuth_reads_user_realm_hash_lines_from_its_Secret()
    {
        const string secret = """
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: digest, namespace: default}
            data:
              users: dGVzdDp0cmFlZmlrOmEyNjg4ZTAzMWVkYjRiZTZhMzc5N2YzODgyNjU1YzA1CnRlc3QyOnRyYWVmaWs6NTE4ODQ1ODAwZjllMmJmYjFmMWY3NDBlYzI0ZjA3NGUK
            """;
        var m = One("digestAuth:\n    secret: digest\n    realm: traefik\n    removeHeader: true\n    headerField: X-User", secret);
        await Assert.That(m.Error).IsNull();
        await Assert.That(m.DigestAuth!.Users).IsEquivalentTo(["test:traefik:a2688e031edb4be6a3797f3882655c05", "test2:traefik:518845800f9e2bfb1f1f740ec24f074e"]);
        await Assert.That(m.DigestAuth.Realm).IsEqualTo("traefik");
        await Assert.That(m.DigestAuth.RemoveHeader == true).IsTrue();
        await Assert.That(m.DigestAuth.HeaderField).IsEqualTo("X-User");
    }
}
