using Edge.Configuration;

namespace Edge.Observability.Tracing;

/// <summary>
/// The resource every exported span carries, in Traefik's order of precedence: detected attributes
/// (host, process, OS), service.name and service.version, then tracing.resourceAttributes, then
/// OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME from the environment (resource.WithFromEnv).
/// </summary>
public static class TracingResource
{
    public static IReadOnlyList<KeyValuePair<string, string>> Build(TracingOptions options, Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        var attrs = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["host.name"] = Environment.MachineName,
            ["os.type"] = "linux",
            ["process.pid"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["process.runtime.name"] = "edge",
            ["telemetry.sdk.language"] = "dotnet",
            ["service.name"] = options.ServiceName,
            ["service.version"] = EdgeVersion.Version,
        };
        foreach (var (k, v) in options.ResourceAttributes) attrs[k] = v;
        // OTEL_RESOURCE_ATTRIBUTES: comma-separated key=value pairs, values percent-encoded.
        foreach (var pair in (env("OTEL_RESOURCE_ATTRIBUTES") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0) continue;
            attrs[pair[..eq].Trim()] = Uri.UnescapeDataString(pair[(eq + 1)..].Trim());
        }
        if (env("OTEL_SERVICE_NAME") is { Length: > 0 } name) attrs["service.name"] = name;
        return attrs.ToList();
    }
}
