using Edge.Configuration;
using Edge.DataPlane.Routing.Requests;
using Edge.DataPlane.Routing.Table;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Ingress;
using Edge.Tests.EndToEnd;

namespace Edge.Tests.Providers.Kubernetes.Ingress.Tenancy;

/// <summary>
/// Incremental translation in tenancy mode (issue 13, runtime model): the tenancy policy returns a
/// new configuration instead of editing routers, so the translation memo stays on and a reused
/// fragment never carries the verdict of an earlier translation.
/// </summary>
public class TenancyMemoTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static readonly object[] Backends = new[] { "team-a", "team-b", "team-c" }.SelectMany(ns => new object[]
    {
        K8s.Service(ns, "web", 80, "http"), K8s.Slice(ns, "web", 8080, "http", "10.0.0.1"),
    }).ToArray();

    private static ProviderOptions Tenancy() => new() { TenancyEnabled = true };

    private static TranslationResult Translate(TranslationMemo? memo, params object[] objects) =>
        IngressTranslator.Translate(ClusterSnapshot.FromObjects(objects.Concat(Backends)), Tenancy(), memo);

    /// <summary>Every router with what tenancy decided, the hosts' owners and the certificates' names: what the data plane compiles.</summary>
    private static string Verdicts(TranslationResult r) => string.Join("\n",
        r.Config.Http.Routers.Select(kv => $"{kv.Key} ns={kv.Value.Namespace} {kv.Value.Rule} disabled={kv.Value.DisabledReason} warning={kv.Value.Warning}")
            .Concat(r.Config.HostOwnership!.Exact.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"owner {kv.Key}={kv.Value}"))
            .Concat(r.Config.HostOwnership.Wildcards.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"owner *.{kv.Key}={kv.Value}"))
            .Concat((r.Config.Tls?.Certificates ?? []).Select(c => $"cert {c.Namespace}: {string.Join(",", (c.AllowedNames ?? []).Order(StringComparer.Ordinal))}"))
            .Concat(r.Issues.Select(i => i.ToString())));

    private static RouteTable Table(TranslationResult r) =>
        RouteTable.Compile(r.Config.Http.Routers.Where(kv => kv.Value.DisabledReason is null), "web", tls: false, ownership: r.Config.HostOwnership).Table;

    private static string Served(RouteTable t, string host) =>
        t.Match(new RouteRequest(host, "/")) is { } e ? e.Namespace + " " + e.Name : "404";

    [Test]
    public async Task A_second_translation_in_tenancy_mode_reuses_every_fragment_and_yields_the_same_routes()
    {
        var secret = TlsEndToEndTests.TlsSecret("team-a", "cert", TlsEndToEndTests.SelfSigned("a", "*.example.com"));
        object[] objects =
        [
            secret,
            TenancyPolicyTests.Ing("team-a", "shop", "shop.example.com", T0, secret: "cert"),
            TenancyPolicyTests.Ing("team-b", "steal", "shop.example.com", T0.AddHours(1)),
            TenancyPolicyTests.Ing("team-c", "wild", "*.example.com", T0),
            TenancyPolicyTests.Ing("team-b", "blog", "blog.example.com", T0),
        ];
        var full = Translate(null, objects);
        var memo = new TranslationMemo();
        var first = Translate(memo, objects);
        var second = Translate(memo, objects);

        await Assert.That(memo.Translated).IsEqualTo(0);
        await Assert.That(memo.Reused).IsEqualTo(4);
        await Assert.That(Verdicts(first)).IsEqualTo(Verdicts(full));
        await Assert.That(Verdicts(second)).IsEqualTo(Verdicts(full));
        // The verdicts are really there: team-b loses shop, team-c's wildcard loses the exact names.
        await Assert.That(second.Config.Http.Routers["team-b-steal-shop-example-com"].DisabledReason)
            .IsEqualTo("host \"shop.example.com\" belongs to namespace \"team-a\" (Ingress team-a/shop claimed it first)");
        await Assert.That(second.Config.Http.Routers["team-c-wild-example-com"].Warning).Contains("host \"blog.example.com\" belongs to namespace \"team-b\"");
        var table = Table(second);
        await Assert.That(Served(table, "shop.example.com")).IsEqualTo("team-a team-a-shop-shop-example-com");
        await Assert.That(Served(table, "blog.example.com")).IsEqualTo("team-b team-b-blog-blog-example-com");
        await Assert.That(Served(table, "other.example.com")).IsEqualTo("team-c team-c-wild-example-com");
    }

    [Test]
    public async Task A_host_its_owner_gives_up_is_served_by_the_next_claimant_from_the_reused_fragment()
    {
        var secretA = TlsEndToEndTests.TlsSecret("team-a", "cert", TlsEndToEndTests.SelfSigned("a", "*.example.com"));
        var secretB = TlsEndToEndTests.TlsSecret("team-b", "cert", TlsEndToEndTests.SelfSigned("b", "*.example.com"));
        var owner = TenancyPolicyTests.Ing("team-a", "shop", "shop.example.com", T0, secret: "cert");
        var next = TenancyPolicyTests.Ing("team-b", "shop", "shop.example.com", T0.AddHours(1), secret: "cert");
        var memo = new TranslationMemo();
        var before = Translate(memo, secretA, secretB, owner, next);
        await Assert.That(before.Config.Http.Routers["team-b-shop-shop-example-com"].DisabledReason).IsNotNull();
        await Assert.That(before.Config.Tls!.Certificates.Single(c => c.Namespace == "team-b").AllowedNames!).IsEmpty();

        // team-a's Ingress is deleted: team-b's fragment is reused as it was, and now owns the host.
        var after = Translate(memo, secretA, secretB, next);
        await Assert.That(memo.Translated).IsEqualTo(0);
        await Assert.That(memo.Reused).IsEqualTo(1);
        await Assert.That(after.Config.Http.Routers["team-b-shop-shop-example-com"].DisabledReason).IsNull();
        await Assert.That(after.Config.Tls!.Certificates.Single().AllowedNames!).IsEquivalentTo(new[] { "shop.example.com" });
        await Assert.That(Served(Table(after), "shop.example.com")).IsEqualTo("team-b team-b-shop-shop-example-com");
        await Assert.That(Verdicts(after)).IsEqualTo(Verdicts(Translate(null, secretA, secretB, next)));

        // And the first translation's result was not changed behind its back.
        await Assert.That(before.Config.Http.Routers["team-b-shop-shop-example-com"].DisabledReason).IsNotNull();
    }
}
