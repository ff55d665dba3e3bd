using Edge.Configuration;

namespace Edge.Tests.Configuration;

/// <summary>Where a router without entryPoints listens: Traefik's getDefaultsEntrypoints, used by every stage.</summary>
public class DefaultEntryPointsTests
{
    private static readonly Dictionary<string, string?> NoEnv = new();

    private static IReadOnlyList<string> Defaults(params string[] flags) => ConfigLoader.Load(flags, NoEnv).DefaultEntryPoints();

    [Test]
    public async Task Every_entry_point_but_traefik_sorted()
    {
        var d = Defaults("--entrypoints.websecure.address=:443", "--entrypoints.web.address=:80", "--entrypoints.traefik.address=:9000", "--api.insecure=true");
        await Assert.That(string.Join(",", d)).IsEqualTo("web,websecure");
    }

    [Test]
    public async Task Only_those_marked_asDefault_when_any_is()
    {
        var d = Defaults("--entrypoints.web.address=:80", "--entrypoints.websecure.address=:443", "--entrypoints.websecure.asDefault=true",
            "--entrypoints.internal.address=:8443");
        await Assert.That(string.Join(",", d)).IsEqualTo("websecure");
    }

    [Test]
    public async Task A_udp_entry_point_is_never_a_default()
    {
        var d = Defaults("--entrypoints.web.address=:80", "--entrypoints.dns.address=:53/udp");
        await Assert.That(string.Join(",", d)).IsEqualTo("web");
    }
}
