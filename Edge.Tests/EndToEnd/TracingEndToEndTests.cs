using System.Text.Json.Nodes;
using Edge.Tests.Support;

namespace Edge.Tests.EndToEnd;

/// <summary>
/// Tracing through artifacts/edge to a loopback OTLP collector that decodes what Edge sends:
/// Traefik's spans (an entry point server span named after the method, a ReverseProxy client span;
/// Router and Service spans with detailed verbosity), their attributes, the parent from the
/// client's traceparent, and the traceparent the backend receives.
/// </summary>
[NotInParallel("edge-e2e")]
public class TracingEndToEndTests
{
    private const string IncomingParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private const string IncomingTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static readonly Dictionary<string, string> FastExport = new() { ["OTEL_BSP_SCHEDULE_DELAY"] = "100" };

    private static async Task<(DataPlaneFixture F, JsonNode Echo)> StartAndSend(OtlpReceiver otlp, string[] args, Dictionary<string, string>? annotations = null,
        string traceparent = IncomingParent, string path = "/api/items?token=s3cret&page=2")
    {
        var f = await StartFixture(args, annotations);
        // The requests that wait for the route are traced too, in traces of their own: tests look at the incoming trace only.
        await f.WaitForRouteAsync("app.example.com", "/");
        using var req = f.Get("app.example.com", path);
        req.Headers.TryAddWithoutValidation("traceparent", traceparent);
        req.Headers.TryAddWithoutValidation("X-Tenant", "blue");
        using var resp = await f.Edge.Http.SendAsync(req);
        return (f, JsonNode.Parse(await resp.Content.ReadAsStringAsync())!);
    }

    /// <summary>One backend only (a): every request's backend span is the same server's.</summary>
    private static Task<DataPlaneFixture> StartFixture(string[] args, Dictionary<string, string>? annotations) =>
        DataPlaneFixture.StartWithEnvironmentAsync(FastExport, (api, port) =>
        {
            api.Upsert(K8s.Slice("default", "whoami", port, "http", "127.0.0.2"));
            api.Upsert(K8s.Ingress("default", "app", "app.example.com", "/", "whoami", 80, annotations: annotations));
        }, args);

    private static List<DecodedSpan> Incoming(List<DecodedSpan> spans) => spans.Where(s => s.TraceId == IncomingTrace).ToList();

    [Test]
    public async Task A_request_is_traced_with_traefiks_spans_under_the_clients_trace_and_the_backend_is_its_child()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        var (f, echo) = await StartAndSend(otlp, ["--tracing.otlp.http.endpoint=" + otlp.HttpEndpoint, "--tracing.capturedRequestHeaders=X-Tenant",
            "--tracing.safeQueryParams=page", "--tracing.serviceName=edge-test", "--tracing.resourceAttributes.team=platform",
            "--accesslog.format=json"]);
        await using var _ = f;
        var spans = Incoming(await otlp.WaitForAsync(s => Incoming(s).Any(x => x.Kind == 2) && Incoming(s).Any(x => x.Name == "ReverseProxy"), () => f.Edge.Output));

        var server = spans.Single(s => s.Kind == 2);
        var proxy = spans.Single(s => s.Name == "ReverseProxy");
        await Assert.That(server.Name).IsEqualTo("GET");
        await Assert.That(server.TraceId).IsEqualTo(IncomingTrace);
        await Assert.That(server.ParentSpanId).IsEqualTo("00f067aa0ba902b7");
        await Assert.That(server.Attr("entry_point")).IsEqualTo("web");
        await Assert.That(server.Attr("http.request.method")).IsEqualTo("GET");
        await Assert.That(server.Attr("url.path")).IsEqualTo("/api/items");
        await Assert.That(server.Attr("url.query")).IsEqualTo("page=2&token=REDACTED");
        await Assert.That(server.Attr("server.address")).IsEqualTo("app.example.com");
        await Assert.That(server.Attr("http.request.header.x-tenant")).IsEqualTo("blue");
        await Assert.That(server.Attributes["http.response.status_code"]).IsEqualTo(200L);
        await Assert.That(server.Resource["service.name"]).IsEqualTo("edge-test");
        await Assert.That(server.Resource["team"]).IsEqualTo("platform");
        await Assert.That(server.EndUnixNanos).IsGreaterThanOrEqualTo(server.StartUnixNanos);

        await Assert.That(proxy.Kind).IsEqualTo(3);
        await Assert.That(proxy.ParentSpanId).IsEqualTo(server.SpanId);
        await Assert.That(proxy.TraceId).IsEqualTo(server.TraceId);
        await Assert.That(proxy.Attr("url.full")).StartsWith("http://127.0.0.2:");
        await Assert.That(proxy.Attr("url.full")).EndsWith("/api/items?page=2&token=REDACTED");
        await Assert.That(proxy.Attr("server.address")).IsEqualTo("127.0.0.2");
        await Assert.That(spans.Any(s => s.Name is "Router" or "Service")).IsFalse().Because("minimal verbosity is the default");

        // The backend's parent is the ReverseProxy span: same trace, that span's id, sampled.
        await Assert.That(echo["headers"]!["traceparent"]!.ToString()).IsEqualTo($"00-{proxy.TraceId}-{proxy.SpanId}-01");
        // The access log line names the trace and the entry point span, as Traefik's does.
        await Eventually.UntilAsync(() => f.Edge.Output.Contains($"\"SpanId\":\"{server.SpanId}\""), TimeSpan.FromSeconds(5), () => f.Edge.Output);
        await Assert.That(f.Edge.Output).Contains($"\"TraceId\":\"{IncomingTrace}\"");
        await Assert.That(f.Edge.Output).Contains($"\"trace_id\":\"{IncomingTrace}\"");
        // The collector received protobuf, gzip-compressed, as Traefik's exporter sends it.
        var headers = otlp.RequestHeaders.First();
        await Assert.That(headers["Content-Type"]).IsEqualTo("application/x-protobuf");
        await Assert.That(headers["Content-Encoding"]).IsEqualTo("gzip");
    }

    [Test]
    public async Task Detailed_verbosity_adds_router_and_service_spans_over_grpc()
    {
        await using var otlp = await OtlpReceiver.StartAsync(grpc: true);
        var (f, _) = await StartAndSend(otlp, ["--tracing.otlp.grpc.endpoint=" + otlp.GrpcEndpoint, "--tracing.otlp.grpc.insecure=true",
            "--tracing.otlp.grpc.headers.authorization=Bearer t0ken"],
            new() { ["traefik.ingress.kubernetes.io/router.observability.traceVerbosity"] = "detailed" });
        await using var _f = f;
        var spans = Incoming(await otlp.WaitForAsync(s => Incoming(s).Any(x => x.Kind == 2) && Incoming(s).Any(x => x.Name == "ReverseProxy"), () => f.Edge.Output));

        var server = spans.Single(s => s.Kind == 2);
        var router = spans.Single(s => s.Name == "Router");
        var service = spans.Single(s => s.Name == "Service");
        var proxy = spans.Single(s => s.Name == "ReverseProxy");
        await Assert.That(router.ParentSpanId).IsEqualTo(server.SpanId);
        await Assert.That(service.ParentSpanId).IsEqualTo(router.SpanId);
        await Assert.That(proxy.ParentSpanId).IsEqualTo(service.SpanId);
        await Assert.That(router.Attr("traefik.router.name")).IsEqualTo("default-app-app-example-com@kubernetes");
        await Assert.That(router.Attr("traefik.service.name")).IsEqualTo("default-whoami-80@kubernetes");
        await Assert.That(router.Attr("http.route")).Contains("app.example.com");
        await Assert.That(service.Attr("traefik.service.name")).IsEqualTo("default-whoami-80@kubernetes");
        await Assert.That(otlp.RequestHeaders.First()["authorization"]).IsEqualTo("Bearer t0ken");
    }

    [Test]
    public async Task A_router_with_tracing_off_sends_no_spans_and_passes_the_traceparent_through()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        var (f, echo) = await StartAndSend(otlp, ["--tracing.otlp.http.endpoint=" + otlp.HttpEndpoint],
            new() { ["traefik.ingress.kubernetes.io/router.observability.tracing"] = "false" });
        await using var _ = f;
        await Assert.That(echo["headers"]!["traceparent"]!.ToString()).IsEqualTo(IncomingParent);
        // /ping is internal: not traced without addInternals either.
        await f.Edge.Http.GetAsync(f.Edge.ApiUrl + "/ping");
        await Task.Delay(500);
        await Assert.That(otlp.Spans.Count).IsEqualTo(0);
    }

    [Test]
    public async Task An_unsampled_parent_is_not_recorded_but_its_trace_continues_to_the_backend()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        const string unsampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
        var (f, echo) = await StartAndSend(otlp, ["--tracing.otlp.http.endpoint=" + otlp.HttpEndpoint], traceparent: unsampled);
        await using var _ = f;
        var sent = echo["headers"]!["traceparent"]!.ToString();
        await Assert.That(sent).StartsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-");
        await Assert.That(sent).EndsWith("-00");
        await Assert.That(sent).IsNotEqualTo(unsampled).Because("this hop has its own span id");
        // Spans of the route-waiting requests (their own traces) prove the exporter runs; none is in the unsampled trace.
        await otlp.WaitForAsync(s => s.Count > 0, () => f.Edge.Output);
        await Task.Delay(300);
        await Assert.That(Incoming([.. otlp.Spans]).Count).IsEqualTo(0);
    }

    [Test]
    public async Task A_bad_collector_endpoint_stops_the_start_naming_the_option()
    {
        var (code, _, err) = await CliRunner.RunAsync(["--tracing.otlp.http.endpoint=localhost:4318"]);
        await Assert.That(code).IsEqualTo(2);
        await Assert.That(err).Contains("invalid option tracing.otlp.http.endpoint");
    }
}
