namespace Edge.Configuration;

/// <summary>Traefik's static serversTransport settings that Edge honours.</summary>
public sealed class ServersTransportOptions
{
    public bool InsecureSkipVerify { get; set; }
    public List<string> RootCAs { get; set; } = new();
    public int MaxIdleConnsPerHost { get; set; } = 200;
    public TimeSpan DialTimeout { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan ResponseHeaderTimeout { get; set; } = TimeSpan.Zero;
    public TimeSpan IdleConnTimeout { get; set; } = TimeSpan.FromSeconds(90);
}

