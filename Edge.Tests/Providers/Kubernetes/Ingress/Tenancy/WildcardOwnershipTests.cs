using Edge.Configuration;
using Edge.DataPlane.Routing.Requests;
using Edge.DataPlane.Routing.Table;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Ingress;
using Edge.Providers.Kubernetes.Ingress.Tenancy;
using Edge.Tests.EndToEnd;
using k8s.Models;

namespace Edge.Tests.Providers.Kubernetes.Ingress.Tenancy;

/// <summary>
/// Host ownership per request host (issue 20), on the pure translator and the route table it feeds:
/// an exact claim beats any wildcard, a wildcard owns one label, host-less routers never reach an
/// owned host, and the wildcard's owner is told which names it does not serve.
/// </summary>
public class WildcardOwnershipTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>An Ingress with one rule and several paths (the first one included).</summary>
    internal static V1Ingress Paths(string ns, string name, string? host, DateTime created, params string[] paths)
    {
        var i = TenancyPolicyTests.Ing(ns, name, host, created, path: paths[0]);
        var template = i.Spec.Rules[0].Http.Paths[0];
        foreach (var p in paths.Skip(1))
            i.Spec.Rules[0].Http.Paths.Add(new V1HTTPIngressPath { Path = p, PathType = template.PathType, Backend = template.Backend });
        return i;
    }

    private static ProviderOptions Tenancy(params string[] catchAll)
    {
        var o = new ProviderOptions { TenancyEnabled = true };
        o.Tenancy.DefaultBackendNamespaces = catchAll.ToList();
        return o;
    }

    private static TranslationResult Translate(ProviderOptions options, params object[] objects) =>
        IngressTranslator.Translate(ClusterSnapshot.FromObjects(objects.Concat(new[] { "team-a", "team-b", "infra" }.SelectMany(ns => new object[]
        {
            K8s.Service(ns, "web", 80, "http"), K8s.Slice(ns, "web", 8080, "http", "10.0.0.1"),
        }))), options);

    /// <summary>The data plane's table: disabled routers left out, ownership enforced.</summary>
    private static RouteTable Table(TranslationResult r) =>
        RouteTable.Compile(r.Config.Http.Routers.Where(kv => kv.Value.DisabledReason is null), "web", tls: false, ownership: r.Config.HostOwnership).Table;

    /// <summary>"namespace rule" of the router that serves the request, or "404".</summary>
    private static string Served(RouteTable t, string host, string path) =>
        t.Match(new RouteRequest(host, path)) is { } e ? e.Namespace + " " + e.Router.Rule : "404";

    private static Router RouterOf(TranslationResult r, string ns, string ingress, string path) =>
        r.Config.Http.Routers.Values.Single(x => x.Observability?.Metadata?.Ingress is { } m
            && m.Namespace == ns && m.IngressName == ingress && x.Rule.EndsWith("(\"" + path + "\")", StringComparison.Ordinal));

    [Test]
    public async Task An_exact_owner_keeps_its_host_against_a_younger_wildcard_with_a_longer_rule()
    {
        var r = Translate(Tenancy(),
            Paths("team-a", "app", "app.a.example.com", T0, "/"),
            Paths("team-b", "wild", "*.a.example.com", T0.AddHours(1), "/admin", "/"));
        var t = Table(r);
        await Assert.That(Served(t, "app.a.example.com", "/admin")).StartsWith("team-a ");
        await Assert.That(Served(t, "app.a.example.com", "/admin/users")).StartsWith("team-a ");
        await Assert.That(Served(t, "APP.a.example.com.", "/admin")).StartsWith("team-a ");
        // The wildcard keeps serving the names nobody owns exactly.
        await Assert.That(Served(t, "other.a.example.com", "/admin")).IsEqualTo("team-b Host(\"*.a.example.com\") && PathPrefix(\"/admin\")");
        await Assert.That(Served(t, "other.a.example.com", "/")).StartsWith("team-b ");

        // Not disabled, but the loss is stated on the router (rawdata "warning") and on its Ingress.
        var wild = RouterOf(r, "team-b", "wild", "/admin");
        await Assert.That(wild.DisabledReason).IsNull();
        await Assert.That(wild.Warning).IsEqualTo("host \"app.a.example.com\" belongs to namespace \"team-a\" (Ingress team-a/app claims it exactly)");
        var warning = r.Warnings.Single();
        await Assert.That(warning.Ingress.Metadata.Name).IsEqualTo("wild");
        await Assert.That(warning.Reason).IsEqualTo(TenancyPolicy.HostConflictReason);
        await Assert.That(warning.Message).IsEqualTo("rules for host \"*.a.example.com\" are served except for names other namespaces own: " + wild.Warning);
        await Assert.That(RouterOf(r, "team-a", "app", "/").Warning).IsNull();
    }

    [Test]
    public async Task An_older_wildcard_does_not_take_a_name_another_namespace_claims_exactly()
    {
        var r = Translate(Tenancy(),
            Paths("team-b", "wild", "*.a.example.com", T0, "/admin", "/"),
            Paths("team-a", "app", "app.a.example.com", T0.AddDays(1), "/"));
        var t = Table(r);
        await Assert.That(Served(t, "app.a.example.com", "/admin")).StartsWith("team-a ");
        await Assert.That(Served(t, "new.a.example.com", "/admin")).StartsWith("team-b ");
        await Assert.That(RouterOf(r, "team-a", "app", "/").DisabledReason).IsNull();
        await Assert.That(RouterOf(r, "team-b", "wild", "/").Warning).Contains("\"app.a.example.com\" belongs to namespace \"team-a\"");
    }

    [Test]
    public async Task When_the_exact_owner_goes_the_wildcard_takes_the_name_and_the_warning_clears()
    {
        var r = Translate(Tenancy(), Paths("team-b", "wild", "*.a.example.com", T0.AddHours(1), "/admin", "/"));
        await Assert.That(Served(Table(r), "app.a.example.com", "/admin")).StartsWith("team-b ");
        await Assert.That(RouterOf(r, "team-b", "wild", "/admin").Warning).IsNull();
        await Assert.That(r.Warnings.Count).IsEqualTo(0);
    }

    [Test]
    public async Task Wildcards_of_different_depth_each_own_exactly_one_label()
    {
        var r = Translate(Tenancy(),
            Paths("team-b", "wide", "*.example.net", T0, "/"),
            Paths("team-a", "deep", "*.a.example.net", T0.AddHours(1), "/"));
        var t = Table(r);
        await Assert.That(Served(t, "x.a.example.net", "/")).StartsWith("team-a ");
        await Assert.That(Served(t, "a.example.net", "/")).StartsWith("team-b ");
        await Assert.That(Served(t, "y.x.a.example.net", "/")).IsEqualTo("404");
        await Assert.That(Served(t, "example.net", "/")).IsEqualTo("404");
        // Different patterns are different claims: no conflict, nobody warned.
        await Assert.That(r.Warnings.Count).IsEqualTo(0);
        await Assert.That(r.Config.HostOwnership!.OwnerOf("b.a.example.net")).IsEqualTo("team-a");
        await Assert.That(r.Config.HostOwnership!.OwnerOf("b.example.net")).IsEqualTo("team-b");
    }

    [Test]
    public async Task Of_two_identical_wildcards_the_oldest_wins_and_the_other_is_disabled()
    {
        var r = Translate(Tenancy(),
            Paths("team-b", "late", "*.a.example.com", T0.AddHours(1), "/admin"),
            Paths("team-a", "early", "*.A.example.com.", T0, "/"));
        var t = Table(r);
        await Assert.That(Served(t, "x.a.example.com", "/admin")).StartsWith("team-a ");
        await Assert.That(RouterOf(r, "team-b", "late", "/admin").DisabledReason)
            .IsEqualTo("host \"*.a.example.com\" belongs to namespace \"team-a\" (Ingress team-a/early claimed it first)");
        await Assert.That(r.Warnings.Single().Ingress.Metadata.Name).IsEqualTo("late");
    }

    [Test]
    public async Task Host_less_routers_of_another_namespace_never_reach_an_owned_host()
    {
        var r = Translate(Tenancy("infra"),
            Paths("team-a", "app", "app.a.example.com", T0, "/api"),
            Paths("infra", "errors", null, T0, "/"));
        var t = Table(r);
        await Assert.That(Served(t, "app.a.example.com", "/api")).StartsWith("team-a ");
        await Assert.That(Served(t, "app.a.example.com", "/other")).IsEqualTo("404");
        await Assert.That(Served(t, "unowned.example.org", "/other")).StartsWith("infra ");
    }

    [Test]
    public async Task A_trailing_dot_or_upper_case_is_the_same_claim_not_a_new_one()
    {
        var r = Translate(Tenancy(),
            Paths("team-a", "app", "a.example.com", T0, "/"),
            Paths("team-b", "dot", "A.Example.com.", T0.AddHours(1), "/admin"));
        await Assert.That(RouterOf(r, "team-b", "dot", "/admin").DisabledReason).Contains("belongs to namespace \"team-a\"");
        await Assert.That(Served(Table(r), "a.example.com", "/admin")).StartsWith("team-a ");
        await Assert.That(Served(Table(r), "a.example.com.", "/admin")).StartsWith("team-a ");
    }

    [Test]
    [Arguments(true)]
    [Arguments(false)]
    public async Task A_host_that_is_not_a_name_is_skipped_and_the_Ingress_is_named(bool tenancy)
    {
        var bad = Paths("team-b", "bad", "evil_host..example.com", T0, "/");
        bad.Spec.Rules.Add(TenancyPolicyTests.Ing("team-b", "x", "good.example.com", T0).Spec.Rules[0]);
        bad.Spec.Tls = [new V1IngressTLS { Hosts = ["-nope.example.com", "good.example.com"] }];
        var r = Translate(tenancy ? Tenancy() : new ProviderOptions(), bad);
        await Assert.That(r.Config.Http.Routers.Values.Select(x => x.Rule)).IsEquivalentTo(new[] { "Host(\"good.example.com\") && PathPrefix(\"/\")" });
        var issues = r.Issues.Select(i => i.ToString()).ToList();
        await Assert.That(issues).Contains("Ingress team-b/bad: Skipping rule for host \"evil_host..example.com\": not a valid host name (an RFC 1123 subdomain, optionally prefixed by \"*.\"), as the API server would have refused it");
        await Assert.That(issues).Contains("Ingress team-b/bad: Ignoring tls.hosts entry \"-nope.example.com\": not a valid host name (an RFC 1123 subdomain, optionally prefixed by \"*.\"), as the API server would have refused it");
    }

    [Test]
    public async Task A_non_ascii_host_is_routed_and_owned_in_its_punycode_form()
    {
        var r = Translate(Tenancy(), Paths("team-a", "idn", "bücher.example", T0, "/"), Paths("team-b", "copy", "xn--bcher-kva.example", T0.AddHours(1), "/admin"));
        await Assert.That(RouterOf(r, "team-a", "idn", "/").Rule).IsEqualTo("Host(\"xn--bcher-kva.example\") && PathPrefix(\"/\")");
        await Assert.That(RouterOf(r, "team-b", "copy", "/admin").DisabledReason).Contains("belongs to namespace \"team-a\"");
        await Assert.That(Served(Table(r), "XN--BCHER-KVA.example", "/admin")).StartsWith("team-a ");
    }
}
