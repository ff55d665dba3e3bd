using System.Text;
using Microsoft.AspNetCore.Http;

namespace Edge.Observability.Metrics;

/// <summary>
/// Traefik's metrics.prometheus.headerLabels: extra labels on the *_requests_total counters, each
/// filled from one request header (an absent header gives an empty value, as in Traefik). The
/// labels are sorted by name so a series always prints them in the same order.
/// </summary>
/// <remarks>
/// Go promotes Host out of the header map, so Traefik's label for "Host" is always empty (its docs
/// tell users to take X-Forwarded-Host instead); Edge gives the same value so dashboards agree.
/// </remarks>
public sealed class HeaderLabels
{
    private readonly (string Label, string Header)[] _labels;

    public HeaderLabels(IReadOnlyDictionary<string, string> labelToHeader)
    {
        // Label names were checked with the static configuration (MetricsOptions.Validate).
        _labels = labelToHeader.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)).ToArray();
    }

    public bool Any => _labels.Length > 0;
    public int Count => _labels.Length;
    public string Label(int i) => _labels[i].Label;

    /// <summary>The request's values, in label order, joined by a separator no header value can hold.</summary>
    public string Values(IHeaderDictionary headers)
    {
        if (_labels.Length == 1) return Value(headers, _labels[0].Header);
        var sb = new StringBuilder();
        for (int i = 0; i < _labels.Length; i++)
        {
            if (i > 0) sb.Append('\n');
            sb.Append(Value(headers, _labels[i].Header));
        }
        return sb.ToString();
    }

    /// <summary>The values of <see cref="Values"/> split back, one per label.</summary>
    public string[] Split(string values) => _labels.Length == 1 ? [values] : values.Split('\n');

    // Go's Header.Get: the first value; Host is not in Go's header map.
    private static string Value(IHeaderDictionary headers, string header) =>
        header.Equals("Host", StringComparison.OrdinalIgnoreCase) ? "" : headers[header] is { Count: > 0 } v ? v[0] ?? "" : "";
}
