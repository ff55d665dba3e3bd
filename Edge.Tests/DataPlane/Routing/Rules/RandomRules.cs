using Edge.DataPlane.Routing.Requests;

namespace Edge.Tests.DataPlane.Routing.Rules;

/// <summary>
/// Generates rules and requests from a small vocabulary so that random rule sets overlap a lot:
/// that is what makes a comparison between the host index and a linear scan meaningful.
/// </summary>
internal sealed class RandomRules(Random rng)
{
    private static readonly string[] Hosts = ["a.com", "b.com", "x.a.com", "y.a.com", "z.x.a.com", "c.org", "a.com.", "A.COM"];
    private static readonly string[] Paths = ["/api", "/api/v1", "/web", "/apix", "/"];
    private static readonly string[] Methods = ["GET", "POST"];

    private T Pick<T>(T[] items) => items[rng.Next(items.Length)];

    public string Rule(int depth = 0)
    {
        int k = rng.Next(depth >= 2 ? 9 : 13);
        return k switch
        {
            0 or 1 or 2 => $"Host(`{Pick(Hosts)}`)",
            3 => $"Host(`*.{Pick(["a.com", "x.a.com", "org"])}`)",
            4 => $"HostRegexp(`{Pick(["^[a-z]+\\.a\\.com$", "\\.a\\.com$", "^a\\.com$", "com$", "^(?:x|y)\\.a\\.com$", "a"])}`)",
            5 => $"PathPrefix(`{Pick(Paths)}`)",
            6 => $"Path(`{Pick(Paths)}`)",
            7 => $"Method(`{Pick(Methods)}`)",
            8 => $"Host(`*`) && {Rule(depth + 1)}",
            9 or 10 => $"{Rule(depth + 1)} && {Rule(depth + 1)}",
            11 => $"({Rule(depth + 1)} || {Rule(depth + 1)})",
            _ => $"{Rule(depth + 1)} && !{Rule(depth + 1)}",
        };
    }

    public string RuleV2()
    {
        string hosts = string.Join(", ", Enumerable.Range(0, rng.Next(1, 3)).Select(_ => $"`{Pick(Hosts)}`"));
        return rng.Next(3) switch
        {
            0 => $"Host({hosts}) && PathPrefix(`{Pick(Paths)}`)",
            1 => $"HostRegexp(`{{sub:[a-z]+}}.a.com`, `{Pick(Hosts)}`)",
            _ => $"HostRegexp(`{{any:.*}}com`) && Method(`{Pick(Methods)}`)",
        };
    }

    public RouteRequest Request()
    {
        string host = Pick(Hosts);
        host = rng.Next(4) switch
        {
            0 => host + ":8080",
            1 => host.ToUpperInvariant(),
            _ => host,
        };
        return new RouteRequest(host, Pick(Paths), Pick(Methods));
    }
}
