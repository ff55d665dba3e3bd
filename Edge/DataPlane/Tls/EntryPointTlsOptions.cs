namespace Edge.DataPlane.Tls;

/// <summary>
/// The TLS options of one entry point, chosen by SNI as Traefik's TCP router does
/// (pkg/server/router/tcp/manager.go): the options of the routers whose Host rule names the server
/// name, else the "default" options. A host whose options could not be built maps to null: its
/// handshakes are refused (Traefik's brokenTLSRouter) rather than served with other options.
/// </summary>
public sealed class EntryPointTlsOptions
{
    private readonly Dictionary<string, CompiledTlsOptions?> _exact = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, CompiledTlsOptions?> _wildcard = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>An entry point without TLS routers: the built-in defaults for every handshake.</summary>
    public static EntryPointTlsOptions Empty { get; } = new(CompiledTlsOptions.BuiltInDefault);

    public EntryPointTlsOptions(CompiledTlsOptions? defaultOptions) => Default = defaultOptions;

    /// <summary>The "default" options; null when they are broken (every handshake without a host of its own fails).</summary>
    public CompiledTlsOptions? Default { get; }

    /// <summary>Router name to the options name its requests must have been received with (Traefik's snicheck).</summary>
    public Dictionary<string, string> RouterOptions { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether any router of this entry point uses options other than "default" (else the 421 check is skipped).</summary>
    public bool HasNonDefault { get; internal set; }

    internal void Add(string host, CompiledTlsOptions? options)
    {
        if (host.StartsWith("*.", StringComparison.Ordinal)) _wildcard[host[2..]] = options;
        else _exact[host] = options;
    }

    /// <summary>The options for a ClientHello's server name; <paramref name="found"/> is false when it fell back to the default.</summary>
    public CompiledTlsOptions? Select(string? serverName, out bool found)
    {
        found = false;
        if (string.IsNullOrEmpty(serverName)) return Default;
        var name = serverName.TrimEnd('.');
        if (_exact.TryGetValue(name, out var exact)) { found = true; return exact; }
        var dot = name.IndexOf('.');
        if (dot > 0 && _wildcard.TryGetValue(name[(dot + 1)..], out var wild)) { found = true; return wild; }
        return Default;
    }
}
