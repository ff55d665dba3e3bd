using Edge.Configuration;

namespace Edge.Observability.AccessLog;

/// <summary>Traefik's accessLog.fields: which fields and headers appear, and which headers are redacted.</summary>
public sealed class AccessLogFields(AccessLogOptions o)
{
    public const string Keep = "keep", Drop = "drop", Redact = "redact";

    public bool Has(string field)
    {
        foreach (var (k, v) in o.FieldNames)
            if (k.Equals(field, StringComparison.OrdinalIgnoreCase)) return v != Drop;
        return o.FieldsDefaultMode != Drop;
    }

    /// <summary>keep, drop or redact for one header name.</summary>
    public string Header(string header)
    {
        foreach (var (k, v) in o.HeaderNames)
            if (k.Equals(header, StringComparison.OrdinalIgnoreCase)) return v;
        return o.HeadersDefaultMode;
    }

    public bool AnyHeaders => o.HeadersDefaultMode != Drop || o.HeaderNames.Values.Any(v => v != Drop);
}
