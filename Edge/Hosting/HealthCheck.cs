using Edge.Configuration;

namespace Edge.Hosting;

/// <summary>
/// <c>edge healthcheck --ping</c>, Traefik's subcommand: reads the same configuration as the running
/// instance, asks its /ping on loopback, exits 0 on 200 and 1 otherwise. An image without a shell
/// uses it as its HEALTHCHECK.
/// </summary>
public static class HealthCheck
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rest = args.Where(a => !a.Equals("--ping", StringComparison.OrdinalIgnoreCase)).ToList();
        rest.Add("--ping=true");
        StaticConfig config;
        try { config = ConfigLoader.Load(rest); }
        catch (ConfigException e) { Console.Error.WriteLine($"edge: {e.Message}"); return 2; }
        if (!config.EntryPoints.TryGetValue(config.Ping.EntryPoint, out var ep))
        {
            Console.Error.WriteLine($"edge: ping entry point \"{config.Ping.EntryPoint}\" is not defined");
            return 1;
        }
        var url = EntryPointAddress.Parse(ep.Name, ep.Address).LocalUrl(ep.HttpTls ? "https" : "http") + "/ping";
        using var handler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync(url);
            Console.WriteLine($"OK: {url}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"Error calling healthcheck: {e.Message}");
            return 1;
        }
    }
}
