using System.Text.Json;
using Edge.Configuration;
using Edge.Model;
using Edge.Providers;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Crd;

namespace Edge.Tests.Providers.Kubernetes.Crd;

/// <summary>
/// compress, forwardAuth, errors and retry Middleware objects read as Traefik's CRD provider reads
/// them (createCompressMiddleware, createForwardAuthMiddleware, createErrorPageMiddleware,
/// createRetryMiddleware): defaults, Secrets, what /api/rawdata then shows.
/// </summary>
public class MiddlewareTypesTranslatorTests
{
    internal static (SortedDictionary<string, Middleware> Middlewares, List<TranslationIssue> Issues) Translate(string spec, string extra = "",
        CrdProviderOptions? options = null)
    {
        var yaml = $"""
            apiVersion: traefik.io/v1alpha1
            kind: Middleware
            metadata:
              name: mw
              namespace: default
            spec:
              {spec}
            {extra}
            """;
        var docs = ManifestParser.Parse(yaml, "test").ToList();
        foreach (var d in docs) if (d.Error is not null) throw new InvalidOperationException(d.Error);
        var issues = new List<TranslationIssue>();
        var snapshot = ClusterSnapshot.FromObjects(docs.Select(d => d.Object!));
        return (MiddlewareTranslator.Translate(snapshot, options ?? new CrdProviderOptions(), issues), issues);
    }

    private static Middleware One(string spec, string extra = "")
    {
        var (m, _) = Translate(spec, extra);
        return m["default-mw"];
    }

    [Test]
    [Arguments("compress: {}", """{"encodings":["gzip","br","zstd"]}""")]
    [Arguments("compress:\n    minResponseBodyBytes: 0", """{"encodings":["gzip","br","zstd"]}""")]
    [Arguments("compress:\n    excludedContentTypes: [text/event-stream]\n    minResponseBodyBytes: 2048\n    encodings: [br, gzip]\n    defaultEncoding: br",
        """{"excludedContentTypes":["text/event-stream"],"minResponseBodyBytes":2048,"encodings":["br","gzip"],"defaultEncoding":"br"}""")]
    public async Task Compress_gets_Traefiks_default_encodings(string spec, string json)
    {
        var m = One(spec);
        await Assert.That(m.Error).IsNull();
        await Assert.That(JsonSerializer.Serialize(m.Compress!, ModelJsonContext.Default.CompressConfig)).IsEqualTo(json);
    }

    [Test]
    [Arguments("contentType: {}", "{}")]
    [Arguments("contentType:\n    autoDetect: false", """{"autoDetect":false}""")]
    [Arguments("contentType:\n    autoDetect: true", """{"autoDetect":true}""")]
    public async Task ContentType_keeps_autoDetect_as_given(string spec, string json)
    {
        var m = One(spec);
        await Assert.That(m.Error).IsNull();
        await Assert.That(JsonSerializer.Serialize(m.ContentType!, ModelJsonContext.Default.ContentTypeConfig)).IsEqualTo(json);
    }

    [Test]
    public async Task A_contentType_field_Edge_does_not_read_is_refused_by_name()
    {
        var m = One("contentType:\n    sniff: true");
        await Assert.That(m.Error).IsEqualTo("contentType.sniff: not supported by Edge, the middleware is not served without it");
    }

    [Test]
    [Arguments("grpcWeb: {}", "{}")]
    [Arguments("grpcWeb:\n    allowOrigins: [\"*\", \"https://app.example\"]", """{"allowOrigins":["*","https://app.example"]}""")]
    public async Task GrpcWeb_keeps_allowOrigins(string spec, string json)
    {
        var m = One(spec);
        await Assert.That(m.Error).IsNull();
        await Assert.That(m.TypeName).IsEqualTo("grpcWeb");
        await Assert.That(JsonSerializer.Serialize(m.GrpcWeb!, ModelJsonContext.Default.GrpcWebConfig)).IsEqualTo(json);
    }

    [Test]
    public async Task A_grpcWeb_field_Edge_does_not_read_is_refused_by_name()
    {
        var m = One("grpcWeb:\n    allowOrigin: [\"*\"]");
        await Assert.That(m.Error).IsEqualTo("grpcWeb.allowOrigin: not supported by Edge, the middleware is not served without it");
    }

    [Test]
    public async Task PassTLSClientCert_keeps_pem_and_info()
    {
        var m = One("passTLSClientCert:\n    pem: true\n    info:\n      notAfter: true\n      sans: true\n      subject: {commonName: true, organizationalUnit: true}\n      issuer: {domainComponent: true}");
        await Assert.That(m.Error).IsNull();
        await Assert.That(JsonSerializer.Serialize(m.PassTlsClientCert!, ModelJsonContext.Default.PassTlsClientCertConfig))
            .IsEqualTo("""{"pem":true,"info":{"notAfter":true,"sans":true,"subject":{"organizationalUnit":true,"commonName":true},"issuer":{"domainComponent":true}}}""");
    }

    [Test]
    public async Task An_issuer_organizationalUnit_is_refused_by_name_as_Traefik_has_none()
    {
        var m = One("passTLSClientCert:\n    info:\n      issuer: {organizationalUnit: true}");
        await Assert.That(m.Error).IsEqualTo("passTLSClientCert.info.issuer.organizationalUnit: not supported by Edge, the middleware is not served without it");
    }

    [Test]
    public async Task EncodedCharacters_keeps_its_allow_options()
    {
        var m = One("encodedCharacters:\n    allowEncodedSlash: true\n    allowEncodedHash: false");
        await Assert.That(m.Error).IsNull();
        await Assert.That(JsonSerializer.Serialize(m.EncodedCharacters!, ModelJsonContext.Default.EncodedCharactersConfig))
            .IsEqualTo("""{"allowEncodedSlash":true,"allowEncodedHash":false}""");
        var typo = One("encodedCharacters:\n    allowEncodedSlashes: true");
        await Assert.That(typo.Error).IsEqualTo("encodedCharacters.allowEncodedSlashes: not supported by Edge, the middleware is not served without it");
    }

    [Test]
    public async Task A_compress_field_Edge_does_not_read_is_refused_by_name()
    {
        var m = One("compress:\n    level: 9");
        await Assert.That(m.Error).IsEqualTo("compress.level: not supported by Edge, the middleware is not served without it");
    }

    [Test]
    public async Task ForwardAuth_keeps_its_fields_and_gets_maxBodySize_minus_1()
    {
        var m = One("forwardAuth:\n    address: http://auth.default.svc/verify\n    trustForwardHeader: true\n    authResponseHeaders: [X-User]\n    forwardBody: false");
        await Assert.That(m.Error).IsNull();
        await Assert.That(JsonSerializer.Serialize(m.ForwardAuth!, ModelJsonContext.Default.ForwardAuthConfig))
            .IsEqualTo("""{"address":"http://auth.default.svc/verify","trustForwardHeader":true,"authResponseHeaders":["X-User"],"maxBodySize":-1}""");
    }

    private const string TlsSecrets = """
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: auth-ca, namespace: default}
        data:
          ca.crt: Q0EtUEVN
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: auth-client, namespace: default}
        type: kubernetes.io/tls
        data:
          tls.crt: Q0VSVA==
          tls.key: S0VZ
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: half, namespace: default}
        data:
          tls.crt: Q0VSVA==
        """;

    [Test]
    public async Task ForwardAuth_tls_is_read_from_Secrets_of_the_Middlewares_namespace()
    {
        var m = One("forwardAuth:\n    address: https://auth/\n    tls:\n      caSecret: auth-ca\n      certSecret: auth-client\n      insecureSkipVerify: true", TlsSecrets);
        await Assert.That(m.Error).IsNull();
        await Assert.That(m.ForwardAuth!.Tls!.Ca).IsEqualTo("CA-PEM");
        await Assert.That(m.ForwardAuth.Tls.Cert).IsEqualTo("CERT");
        await Assert.That(m.ForwardAuth.Tls.Key).IsEqualTo("KEY");
        await Assert.That(m.ForwardAuth.Tls.InsecureSkipVerify).IsTrue();
    }

    [Test]
    [Arguments("forwardAuth:\n    trustForwardHeader: true", "forward authentication requires an address")]
    [Arguments("forwardAuth:\n    address: https://auth/\n    tls: {caSecret: nope}", "failed to load auth ca secret: secret 'default/nope' not found")]
    [Arguments("forwardAuth:\n    address: https://auth/\n    tls: {certSecret: nope}", "failed to load auth secret: secret 'default/nope' does not exist")]
    [Arguments("forwardAuth:\n    address: https://auth/\n    tls: {certSecret: half}", "failed to load auth secret: secret default/half is missing the following TLS data entries: tls.key")]
    [Arguments("forwardAuth:\n    address: https://auth/\n    tls: {caSecret: auth-client}", "failed to load auth ca secret: secret 'default/auth-client' has no CA block")]
    [Arguments("forwardAuth:\n    address: https://auth/\n    authRequestHeaderz: [X]", "forwardAuth.authRequestHeaderz: not supported by Edge")]
    [Arguments("forwardAuth:\n    address: https://auth/\n    tls: {cert: x}", "forwardAuth.tls.cert: not supported by Edge")]
    public async Task ForwardAuth_errors_name_the_Secret_or_field(string spec, string error)
    {
        var m = One(spec, TlsSecrets);
        await Assert.That(m.Error).StartsWith(error);
    }
}
