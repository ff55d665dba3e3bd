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
    public async Task A_compress_field_Edge_does_not_read_is_refused_by_name()
    {
        var m = One("compress:\n    level: 9");
        await Assert.That(m.Error).IsEqualTo("compress.level: not supported by Edge, the middleware is not served without it");
    }
}
