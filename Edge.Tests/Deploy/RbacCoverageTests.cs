using System.Text.Json.Nodes;
using Edge.Tests.EndToEnd;
using Edge.Tests.FakeApi;
using Edge.Tests.Support;
using k8s.Models;

namespace Edge.Tests.Deploy;

/// <summary>
/// Every API request the binary makes (recorded by the fake API server) must be allowed by the RBAC
/// of the shipped manifests: the ClusterRole in cluster mode, the namespaced Role in tenant mode.
/// </summary>
[NotInParallel("edge-e2e")]
public class RbacCoverageTests
{
    internal sealed record Access(string Verb, string Group, string Resource, string? Namespace);

    internal static Access? Classify(RecordedRequest r)
    {
        var seg = r.Path.Trim('/').Split('/');
        int i;
        string group;
        if (seg[0] == "api" && seg.Length >= 3) { group = ""; i = 2; }
        else if (seg[0] == "apis" && seg.Length >= 4) { group = seg[1]; i = 3; }
        else return null;   // discovery, /version
        string? ns = null;
        if (seg.Length > i + 1 && seg[i] == "namespaces" && seg.Length > i + 2) { ns = seg[i + 1]; i += 2; }
        var resource = seg[i];
        var named = seg.Length > i + 1;
        if (seg.Length > i + 2) resource += "/" + seg[i + 2];
        var verb = r.Method switch
        {
            "GET" => r.Query.Contains("watch=true") || r.Query.Contains("watch=1") ? "watch" : named ? "get" : "list",
            "PATCH" => "patch", "PUT" => "update", "POST" => "create", "DELETE" => "delete", _ => r.Method.ToLowerInvariant(),
        };
        return new Access(verb, group, resource, ns);
    }

    internal static bool Allows(JsonObject role, Access a) =>
        role["rules"]!.AsArray().Any(rule =>
            rule!["apiGroups"]!.AsArray().Any(g => (string)g! == a.Group || (string)g! == "*")
            && rule["resources"]!.AsArray().Any(x => (string)x! == a.Resource || (string)x! == "*")
            && rule["verbs"]!.AsArray().Any(v => (string)v! == a.Verb || (string)v! == "*"));

    private static async Task<List<Access>> Exercise(string[] args, string ns, Action<FakeApiServer>? seed = null, Func<RecordedRequest, bool>? awaited = null)
    {
        await using var api = await FakeApiServer.StartAsync();
        var svc = K8s.Service(ns, "edge", 80, "http");
        svc.Spec.ExternalIPs = ["198.51.100.5"];   // the published address copied into Ingress status
        api.Upsert(svc);
        api.Upsert(K8s.Service(ns, "whoami", 80, "http"));
        api.Upsert(K8s.Slice(ns, "whoami", 8080, "http", "10.42.0.3"));
        api.Upsert(K8s.Ingress(ns, "app", "app.example.com", "/", "whoami", 80));
        api.Upsert(new V1Node { ApiVersion = "v1", Kind = "Node", Metadata = new V1ObjectMeta { Name = "n1" },
            Status = new V1NodeStatus { Addresses = [new V1NodeAddress { Type = "ExternalIP", Address = "203.0.113.9" }] } });
        seed?.Invoke(api);
        await using var edge = await EdgeProcess.StartWithApiAsync(api, args);
        await edge.WaitForRawDataAsync(r => r.Contains($"{ns}-app-app-example-com@kubernetes"));
        awaited ??= r => r.Method == "PATCH";
        await Eventually.UntilAsync(() => api.Requests.Any(awaited), TimeSpan.FromSeconds(5),
            () => "the awaited request never came; edge output:\n" + edge.Output);
        return api.Requests.Select(Classify).OfType<Access>().Distinct().ToList();
    }

    [Test]
    public async Task Cluster_role_allows_every_request_of_cluster_mode()
    {
        var objects = KustomizeRenderer.Render(Path.Combine(RepoPaths.Root, "deploy", "cluster"));
        var role = objects.Single(o => (string)o["kind"]! == "ClusterRole");
        var deployment = objects.Single(o => (string)o["kind"]! == "Deployment");
        await Assert.That(deployment["spec"]!["replicas"]!.ToJsonString()).IsEqualTo("2");
        var leaseRole = objects.Single(o => (string)o["kind"]! == "Role");
        var leaseNs = (string)objects.Single(o => (string)o["kind"]! == "RoleBinding")["metadata"]!["namespace"]!;
        var args = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!).ToList();
        await Assert.That(args).Contains("--leaderelection.enabled=true");
        await Assert.That(args).Contains("--providers.kubernetescrd=true");
        var accesses = await Exercise(["--providers.kubernetesingress.ingressendpoint.publishedservice=default/edge",
            "--leaderelection.enabled=true", $"--leaderelection.namespace={leaseNs}", "--providers.kubernetescrd=true"], "default");
        foreach (var crd in new[] { "middlewares", "tlsoptions", "tlsstores", "serverstransports", "ingressroutes", "traefikservices" })
            await Assert.That(accesses.Any(a => a.Verb == "watch" && a.Resource == crd)).IsTrue().Because($"the CRD provider watches {crd}");
        await Assert.That(accesses.Any(a => a.Verb == "watch" && a.Resource == "ingresses")).IsTrue();
        await Assert.That(accesses.Any(a => a.Verb == "patch" && a.Resource == "ingresses/status")).IsTrue();
        await Assert.That(accesses.Any(a => a.Resource == "leases" && a.Namespace == leaseNs)).IsTrue();
        foreach (var a in accesses)
            await Assert.That(Allows(role, a) || (a.Namespace == leaseNs && Allows(leaseRole, a))).IsTrue()
                .Because($"{a} must be allowed by the ClusterRole (or, for the Lease, the namespaced Role)");
    }

    [Test]
    public async Task Cluster_role_allows_every_request_of_tenancy_mode()
    {
        var objects = KustomizeRenderer.Render(Path.Combine(RepoPaths.Root, "deploy", "cluster"));
        var role = objects.Single(o => (string)o["kind"]! == "ClusterRole");
        // A second namespace claiming the same host, later: tenancy records an Event on its Ingress.
        var accesses = await Exercise(["--tenancy.enabled=true"], "default", api =>
        {
            var late = K8s.Ingress("other", "copy", "app.example.com", "/", "whoami", 80);
            late.Metadata.CreationTimestamp = DateTime.UtcNow.AddHours(1);
            api.Upsert(K8s.Service("other", "whoami", 80, "http"));
            api.Upsert(K8s.Slice("other", "whoami", 8080, "http", "10.42.0.4"));
            api.Upsert(late);
        }, r => r.Method == "POST" && r.Path.EndsWith("/events", StringComparison.Ordinal));
        await Assert.That(accesses.Any(a => a.Verb == "watch" && a.Resource == "namespaces")).IsTrue();
        await Assert.That(accesses.Any(a => a.Verb == "create" && a.Resource == "events" && a.Namespace == "other")).IsTrue();
        foreach (var a in accesses)
            await Assert.That(Allows(role, a)).IsTrue().Because($"{a} must be allowed by the ClusterRole");
    }

    [Test]
    public async Task Tenant_role_allows_every_request_of_tenant_mode_and_nothing_cluster_scoped()
    {
        var dir = Path.Combine(RepoPaths.Root, "deploy", "tenant");
        var objects = KustomizeRenderer.Render(dir);
        await Assert.That(objects.Any(o => (string)o["kind"]! is "ClusterRole" or "ClusterRoleBinding")).IsFalse();
        var role = objects.Single(o => (string)o["kind"]! == "Role");
        var ns = (string)role["metadata"]!["namespace"]!;
        var clusterScoped = new[] { "nodes", "namespaces", "ingressclasses", "persistentvolumes", "clusterroles", "*" };
        foreach (var rule in role["rules"]!.AsArray())
            foreach (var res in rule!["resources"]!.AsArray())
                await Assert.That(clusterScoped.Contains((string)res!)).IsFalse();
        // The tenant Deployment's own flags, pointed at the fake API server.
        var deployment = objects.Single(o => (string)o["kind"]! == "Deployment");
        var args = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!)
            .Where(a => a.StartsWith("--providers.", StringComparison.Ordinal)).ToArray();
        await Assert.That(args).Contains($"--providers.kubernetesingress.namespaces={ns}");
        await Assert.That(args).Contains("--providers.kubernetesingress.disableclusterscoperesources=true");
        await Assert.That(args).Contains($"--providers.kubernetescrd.namespaces={ns}");
        var accesses = await Exercise(args, ns);
        foreach (var crd in new[] { "middlewares", "tlsoptions", "tlsstores", "serverstransports", "ingressroutes", "traefikservices" })
            await Assert.That(accesses.Any(a => a.Verb == "watch" && a.Resource == crd)).IsTrue().Because($"the CRD provider watches {crd}");
        foreach (var a in accesses)
        {
            await Assert.That(a.Namespace).IsEqualTo(ns).Because($"{a} must be namespaced");
            await Assert.That(Allows(role, a)).IsTrue().Because($"{a} must be allowed by the Role");
        }
    }
}
