using System.Globalization;
using static Edge.Configuration.OptionValues;

namespace Edge.Configuration;

/// <summary>
/// Traefik's <c>tracing</c> section (pkg/config/static Tracing, pkg/observability/types OTel*), with
/// its names and defaults: service name "traefik", every request sampled, OTLP over HTTP to
/// https://localhost:4318 unless <c>otlp.grpc</c> is set. Any tracing option turns tracing on.
/// </summary>
public sealed class TracingOptions
{
    public bool Enabled { get; set; }
    public string ServiceName { get; set; } = "traefik";
    public double SampleRate { get; set; } = 1.0;
    public bool AddInternals { get; set; }
    /// <summary>resourceAttributes, then the deprecated globalAttributes under them (Traefik merges both).</summary>
    public Dictionary<string, string> ResourceAttributes { get; } = new(StringComparer.Ordinal);
    public List<string> CapturedRequestHeaders { get; set; } = [];
    public List<string> CapturedResponseHeaders { get; set; } = [];
    public List<string> SafeQueryParams { get; set; } = [];
    public OtlpExporterOptions Http { get; } = new() { Endpoint = "https://localhost:4318" };
    public OtlpExporterOptions Grpc { get; } = new() { Endpoint = "localhost:4317" };
    /// <summary>Whether otlp.grpc was configured: Traefik then exports over gRPC instead of HTTP.</summary>
    public bool UseGrpc { get; set; }

    private const string P = "tracing.";

    public static IEnumerable<OptionSpec> Specs()
    {
        yield return new("tracing", OptionKind.Section, "false", "Enable tracing with OpenTelemetry (OTLP over HTTP to https://localhost:4318 unless tracing.otlp.grpc).",
            (c, _, v) => c.Tracing.Enabled = Bool("tracing", v));
        yield return S("serviceName", OptionKind.String, "traefik", "The service.name resource attribute.", (t, _, v) => t.ServiceName = v);
        yield return S("sampleRate", OptionKind.String, "1.0", "Share of requests traced, 0.0 to 1.0 (ParentBased(TraceIDRatioBased): a sampled or unsampled parent decides).", (t, _, v) => t.SampleRate = Rate(v));
        yield return S("addInternals", OptionKind.Bool, "false", "Also trace requests served by internal routers (ping, api, dashboard, metrics).", (t, _, v) => t.AddInternals = Bool(P + "addInternals", v));
        yield return S("resourceAttributes.<name>", OptionKind.String, "", "An additional resource attribute (OTEL_RESOURCE_ATTRIBUTES overrides).", (t, n, v) => t.ResourceAttributes[n] = v);
        yield return S("globalAttributes.<name>", OptionKind.String, "", "Deprecated name of resourceAttributes.", (t, n, v) => t.ResourceAttributes.TryAdd(n, v));
        yield return S("capturedRequestHeaders", OptionKind.List, "", "Request headers recorded as span attributes (http.request.header.<name>).", (t, _, v) => t.CapturedRequestHeaders = List(v));
        yield return S("capturedResponseHeaders", OptionKind.List, "", "Response headers recorded as span attributes (http.response.header.<name>).", (t, _, v) => t.CapturedResponseHeaders = List(v));
        yield return S("safeQueryParams", OptionKind.List, "", "Query parameters not redacted in url.query and url.full (all are, by default).", (t, _, v) => t.SafeQueryParams = List(v));
        yield return S("otlp", OptionKind.Section, "true", "OpenTelemetry exporter (the only one).", (_, _, v) => Bool(P + "otlp", v));
        foreach (var spec in Exporter("http", t => t.Http, "https://localhost:4318", "Collector URL (scheme://host:port/path; the path defaults to /v1/traces).")) yield return spec;
        foreach (var spec in Exporter("grpc", t => t.Grpc, "localhost:4317", "Collector address (host:port).")) yield return spec;
        yield return S("otlp.grpc.insecure", OptionKind.Bool, "false", "Send to the gRPC collector in clear text (h2c).", (t, _, v) => { t.UseGrpc = true; t.Grpc.Insecure = Bool(P + "otlp.grpc.insecure", v); });
    }

    /// <summary>Where spans go: the HTTP endpoint (its path, else /v1/traces) or the gRPC Export method; checked at start.</summary>
    public Uri ExportUri()
    {
        if (UseGrpc)
        {
            var scheme = Grpc.Insecure ? "http" : "https";
            if (Grpc.Endpoint.Contains('/') || !Uri.TryCreate($"{scheme}://{Grpc.Endpoint}/opentelemetry.proto.collector.trace.v1.TraceService/Export", UriKind.Absolute, out var g))
                throw new ConfigException(P + "otlp.grpc.endpoint", $"host:port, got \"{Grpc.Endpoint}\"");
            return g;
        }
        if (!Uri.TryCreate(Http.Endpoint, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https"))
            throw new ConfigException(P + "otlp.http.endpoint", $"scheme://host:port/path, got \"{Http.Endpoint}\"");
        return u.AbsolutePath is "" or "/" ? new Uri(u, "/v1/traces") : u;
    }

    private static IEnumerable<OptionSpec> Exporter(string kind, Func<TracingOptions, OtlpExporterOptions> of, string def, string endpointDesc)
    {
        var p = "otlp." + kind + ".";
        Action<TracingOptions> mark = kind == "grpc" ? t => t.UseGrpc = true : _ => { };
        yield return S("otlp." + kind, OptionKind.Section, "false", $"Export spans with OTLP over {(kind == "grpc" ? "gRPC" : "HTTP (protobuf, gzip)")}.",
            (t, _, v) => { if (Bool(P + "otlp." + kind, v)) mark(t); });
        yield return S(p + "endpoint", OptionKind.String, def, endpointDesc, (t, _, v) => { mark(t); of(t).Endpoint = v; });
        yield return S(p + "headers.<name>", OptionKind.String, "", "A header sent with every export (authentication, tenant).", (t, n, v) => { mark(t); of(t).Headers[n] = v; });
        yield return S(p + "tls.ca", OptionKind.String, "", "CA (file or PEM) trusted for the collector's certificate; the system bundle otherwise.", (t, _, v) => { mark(t); of(t).TlsCa = v; });
        yield return S(p + "tls.cert", OptionKind.String, "", "Client certificate (file or PEM) presented to the collector; needs tls.key.", (t, _, v) => { mark(t); of(t).TlsCert = v; });
        yield return S(p + "tls.key", OptionKind.String, "", "Private key (file or PEM) of tls.cert.", (t, _, v) => { mark(t); of(t).TlsKey = v; });
        yield return S(p + "tls.insecureSkipVerify", OptionKind.Bool, "false", "Accept any certificate from the collector.", (t, _, v) => { mark(t); of(t).TlsInsecureSkipVerify = Bool(P + p + "tls.insecureSkipVerify", v); });
    }

    private static double Rate(string v)
    {
        if (!double.TryParse(v.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var r) || r is < 0 or > 1 || double.IsNaN(r))
            throw new ConfigException(P + "sampleRate", $"a number from 0.0 to 1.0, got \"{v}\"");
        return r;
    }

    private static OptionSpec S(string name, OptionKind kind, string def, string desc, Action<TracingOptions, string, string> apply) =>
        new(P + name, kind, def, desc, (c, n, v) => { c.Tracing.Enabled = true; apply(c.Tracing, n, v); });
}

/// <summary>One OTLP exporter's settings (Traefik's OTelHTTP / OTelGRPC with their ClientTLS).</summary>
public sealed class OtlpExporterOptions
{
    public string Endpoint { get; set; } = "";
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);
    public bool Insecure { get; set; }
    public string TlsCa { get; set; } = "";
    public string TlsCert { get; set; } = "";
    public string TlsKey { get; set; } = "";
    public bool TlsInsecureSkipVerify { get; set; }
}
