using System.Text.Json.Serialization;

namespace Edge.Model;

/// <summary>
/// Traefik's <c>tcp.serversTransports.&lt;name&gt;</c> (TCPServersTransport in
/// pkg/config/dynamic/tcp_config.go): how Edge dials the servers of the TCP services naming it.
/// Durations are Go text ("30s"); a service naming a transport takes its terminationDelay and
/// proxyProtocol instead of its own (Traefik's DialerManager).
/// </summary>
public sealed class TcpServersTransport
{
    [JsonPropertyName("dialKeepAlive"), JsonConverter(typeof(GoDurationTextConverter))] public string? DialKeepAlive { get; set; }
    [JsonPropertyName("dialTimeout"), JsonConverter(typeof(GoDurationTextConverter))] public string? DialTimeout { get; set; }
    [JsonPropertyName("proxyProtocol")] public TcpProxyProtocol? ProxyProtocol { get; set; }
    [JsonPropertyName("terminationDelay"), JsonConverter(typeof(GoDurationTextConverter))] public string? TerminationDelay { get; set; }
    [JsonPropertyName("tls")] public TcpTlsClientConfig? Tls { get; set; }
}

/// <summary>Traefik's TLSClientConfig: TLS from Edge to the TCP servers whose <c>tls</c> is true.</summary>
public sealed class TcpTlsClientConfig
{
    [JsonPropertyName("serverName")] public string? ServerName { get; set; }
    [JsonPropertyName("insecureSkipVerify"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool InsecureSkipVerify { get; set; }
    /// <summary>Each a file path or PEM content (Traefik's FileOrContent).</summary>
    [JsonPropertyName("rootCAs")] public List<string>? RootCAs { get; set; }
    [JsonPropertyName("certificates")] public List<TlsCertificate>? Certificates { get; set; }
    [JsonPropertyName("peerCertURI")] public string? PeerCertUri { get; set; }
    /// <summary>Read so that it can be refused by name (Edge serves peerCertURI only).</summary>
    [JsonPropertyName("peerCertSANs")] public System.Text.Json.JsonElement? PeerCertSans { get; set; }
    /// <summary>Read so that it can be refused by name: Edge has no SPIFFE workload API client.</summary>
    [JsonPropertyName("spiffe")] public System.Text.Json.JsonElement? Spiffe { get; set; }
}
