using System.Net;
using System.Text;
using Edge.Tests.FakeApi;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static Edge.Tests.FakeApiProtocol.FakeApiTestSupport;

namespace Edge.Tests.FakeApiProtocol;

/// <summary>The fake apiserver's REST side, driven through the real KubernetesClient.Aot.</summary>
public class FakeApiServerTests
{
    [Test]
    public async Task List_returns_typed_items_in_key_order_with_the_global_resourceVersion()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Upsert(Ingress("a", "zeta"));
        server.Upsert(Ingress("a", "alpha"));
        server.Upsert(Ingress("b", "other"));
        using var client = Client(server);

        var list = await client.NetworkingV1.ListNamespacedIngressAsync("a");
        var all = await client.NetworkingV1.ListIngressForAllNamespacesAsync();

        await Assert.That(string.Join(",", list.Items.Select(i => i.Metadata.Name))).IsEqualTo("alpha,zeta");
        await Assert.That(list.Metadata.ResourceVersion).IsEqualTo(server.ResourceVersion.ToString());
        await Assert.That(list.Items[0].Kind).IsEqualTo("Ingress");
        await Assert.That(list.Items[0].ApiVersion).IsEqualTo("networking.k8s.io/v1");
        await Assert.That(list.Items[0].Metadata.Uid).IsNotNull();
        await Assert.That(list.Items[0].Spec.Rules[0].Http.Paths[0].Backend.Service.Port.Number).IsEqualTo(80);
        await Assert.That(all.Items.Count).IsEqualTo(3);
        await Assert.That(server.Requests.Select(r => r.Path).ToList())
            .IsEquivalentTo(["/apis/networking.k8s.io/v1/namespaces/a/ingresses", "/apis/networking.k8s.io/v1/ingresses"]);
    }

    [Test]
    public async Task Label_and_field_selectors_filter_lists()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Upsert(Service("default", "web", new Dictionary<string, string> { ["app"] = "web", ["env"] = "prod" }));
        server.Upsert(Service("default", "db", new Dictionary<string, string> { ["app"] = "db", ["env"] = "prod", ["tier"] = "data" }));
        server.Upsert(Service("default", "canary", new Dictionary<string, string> { ["app"] = "web", ["env"] = "staging", ["canary"] = "1" }));
        server.Upsert(Service("default", "bare"));
        using var client = Client(server);

        async Task<string> Names(string? labels, string? fields = null) => string.Join(",",
            (await client.CoreV1.ListNamespacedServiceAsync("default", labelSelector: labels, fieldSelector: fields))
            .Items.Select(s => s.Metadata.Name));

        await Assert.That(await Names("app=web")).IsEqualTo("canary,web");
        await Assert.That(await Names("app!=web")).IsEqualTo("bare,db");
        await Assert.That(await Names("app=web,!canary")).IsEqualTo("web");
        await Assert.That(await Names("tier")).IsEqualTo("db");
        await Assert.That(await Names("env in (prod, staging),app==web")).IsEqualTo("canary,web");
        await Assert.That(await Names("env notin (prod)")).IsEqualTo("bare,canary");
        await Assert.That(await Names(null, "metadata.name=db")).IsEqualTo("db");
        await Assert.That(await Names("app=web", "metadata.name!=web")).IsEqualTo("canary");
        var bad = await Assert.ThrowsAsync<HttpOperationException>(() => Names("a in (x"));
        await Assert.That(bad!.Response.StatusCode).IsEqualTo(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Pagination_walks_all_items_with_opaque_continue_tokens()
    {
        await using var server = await FakeApiServer.StartAsync();
        for (var i = 0; i < 5; i++) server.Upsert(Service("default", $"svc-{i}"));
        using var client = Client(server);

        var names = new List<string>();
        var pages = new List<int>();
        string? token = null;
        string? firstRv = null;
        do
        {
            var page = await client.CoreV1.ListNamespacedServiceAsync("default", limit: 2, continueParameter: token);
            names.AddRange(page.Items.Select(s => s.Metadata.Name));
            pages.Add(page.Items.Count);
            firstRv ??= page.Metadata.ResourceVersion;
            await Assert.That(page.Metadata.ResourceVersion).IsEqualTo(firstRv); // one snapshot rv across pages
            token = page.Metadata.ContinueProperty;
            if (token is not null) server.Upsert(Service("default", "zz-added-during-paging"));
        } while (token is not null);

        // Later pages come from the first page's snapshot, so the object added meanwhile is not in this list.
        await Assert.That(string.Join(",", pages)).IsEqualTo("2,2,1");
        await Assert.That(string.Join(",", names)).IsEqualTo("svc-0,svc-1,svc-2,svc-3,svc-4");

        var first = await client.CoreV1.ListNamespacedServiceAsync("default", limit: 2);
        await Assert.That(first.Metadata.RemainingItemCount).IsEqualTo(4L); // now includes the added one
        server.Upsert(Service("default", "later")); // the token's snapshot is now older than the current rv...
        server.ExpireHistory();                      // ...and compacted away
        var expired = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CoreV1.ListNamespacedServiceAsync("default", limit: 2, continueParameter: first.Metadata.ContinueProperty));
        await Assert.That(expired!.Response.StatusCode).IsEqualTo(HttpStatusCode.Gone);
    }

    [Test]
    public async Task Status_put_and_patch_change_only_status_and_bump_resourceVersion()
    {
        await using var server = await FakeApiServer.StartAsync();
        var created = server.Upsert(Ingress("default", "web", host: "a.example"));
        using var client = Client(server);

        var ingress = await client.NetworkingV1.ReadNamespacedIngressAsync("web", "default");
        ingress.Spec.Rules[0].Host = "hijacked.example";
        ingress.Status = new V1IngressStatus
        {
            LoadBalancer = new V1IngressLoadBalancerStatus { Ingress = [new V1IngressLoadBalancerIngress { Ip = "10.0.0.7" }] },
        };
        var replaced = await client.NetworkingV1.ReplaceNamespacedIngressStatusAsync(ingress, "web", "default");

        var stored = server.Get<V1Ingress>("default", "web")!;
        await Assert.That(stored.Spec.Rules[0].Host).IsEqualTo("a.example");
        await Assert.That(stored.Status.LoadBalancer.Ingress[0].Ip).IsEqualTo("10.0.0.7");
        await Assert.That(long.Parse(replaced.Metadata.ResourceVersion)).IsGreaterThan(long.Parse(created));
        await Assert.That(stored.Metadata.Generation).IsEqualTo(1L);

        // A stale resourceVersion is a conflict, as on the apiserver.
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.NetworkingV1.ReplaceNamespacedIngressStatusAsync(ingress, "web", "default"));
        await Assert.That(conflict!.Response.StatusCode).IsEqualTo(HttpStatusCode.Conflict);

        var merge = new V1Patch("""{"spec":{"ingressClassName":"x"},"status":{"loadBalancer":{"ingress":[{"hostname":"lb.example"}]}}}""",
            V1Patch.PatchType.MergePatch);
        await client.NetworkingV1.PatchNamespacedIngressStatusAsync(merge, "web", "default");
        stored = server.Get<V1Ingress>("default", "web")!;
        await Assert.That(stored.Spec.IngressClassName).IsEqualTo("edge");
        await Assert.That(stored.Status.LoadBalancer.Ingress[0].Hostname).IsEqualTo("lb.example");
        await Assert.That(stored.Status.LoadBalancer.Ingress[0].Ip).IsNull();

        var jsonPatch = new V1Patch("""[{"op":"replace","path":"/status/loadBalancer/ingress/0/hostname","value":"lb2.example"}]""",
            V1Patch.PatchType.JsonPatch);
        await client.NetworkingV1.PatchNamespacedIngressStatusAsync(jsonPatch, "web", "default");
        await Assert.That(server.Get<V1Ingress>("default", "web")!.Status.LoadBalancer.Ingress[0].Hostname).IsEqualTo("lb2.example");

        // Writing the same status again is a no-op: no new resourceVersion, so no watch churn.
        var before = server.ResourceVersion;
        await client.NetworkingV1.PatchNamespacedIngressStatusAsync(jsonPatch, "web", "default");
        await Assert.That(server.ResourceVersion).IsEqualTo(before);
    }

    [Test]
    public async Task Requests_without_the_bearer_token_get_401_Status()
    {
        await using var server = await FakeApiServer.StartAsync(new FakeApiServerOptions { BearerToken = "s3cret" });
        using var anonymous = Client(server);
        using var wrong = Client(server, "nope");
        using var authorized = Client(server, "s3cret");

        var e1 = await Assert.ThrowsAsync<HttpOperationException>(() => anonymous.CoreV1.ListNamespacedSecretAsync("default"));
        var e2 = await Assert.ThrowsAsync<HttpOperationException>(() => wrong.CoreV1.ListNamespacedSecretAsync("default"));
        var ok = await authorized.CoreV1.ListNamespacedSecretAsync("default");

        await Assert.That(e1!.Response.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);
        await Assert.That(e1.Response.Content).Contains("\"reason\":\"Unauthorized\"");
        await Assert.That(e2!.Response.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);
        await Assert.That(ok.Items.Count).IsEqualTo(0);
        await Assert.That(server.Requests[^1].Authorization).IsEqualTo("Bearer s3cret");
    }

    [Test]
    public async Task Tls_works_when_the_CA_is_trusted_and_fails_otherwise()
    {
        await using var server = await FakeApiServer.StartAsync(new FakeApiServerOptions { Tls = true });
        server.Upsert(new V1Node { Metadata = new V1ObjectMeta { Name = "node-1" } });
        using var trusting = Client(server);
        using var untrusting = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = server.Url });

        var nodes = await trusting.CoreV1.ListNodeAsync();
        await Assert.That(server.Url).StartsWith("https://127.0.0.1:");
        await Assert.That(nodes.Items[0].Metadata.Name).IsEqualTo("node-1");
        await Assert.That(async () => await untrusting.CoreV1.ListNodeAsync()).Throws<HttpRequestException>();

        var caFile = Path.Combine(Path.GetTempPath(), $"fake-ca-{Guid.NewGuid():N}.crt");
        try
        {
            server.WriteCaFile(caFile);
            await Assert.That(await File.ReadAllTextAsync(caFile)).StartsWith("-----BEGIN CERTIFICATE-----");
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    [Test]
    public async Task Yaml_fixtures_load_known_kinds_and_record_unknown_ones()
    {
        await using var server = await FakeApiServer.StartAsync();
        var loaded = server.LoadYaml("""
            apiVersion: v1
            kind: Secret
            metadata:
              name: tls
              namespace: apps
            type: kubernetes.io/tls
            stringData:
              tls.crt: CERT
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 2
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              ports:
              - port: 80
                targetPort: http
            """);
        using var client = Client(server);

        var secret = await client.CoreV1.ReadNamespacedSecretAsync("tls", "apps");
        var service = server.Get<V1Service>("default", "web")!;

        await Assert.That(loaded).IsEqualTo(2);
        await Assert.That(Encoding.UTF8.GetString(secret.Data["tls.crt"])).IsEqualTo("CERT");
        await Assert.That(service.Spec.Ports[0].TargetPort.Value).IsEqualTo("http");
        await Assert.That(server.IgnoredObjects.Single()).IsEqualTo(("Deployment", (string?)"web"));
        await Assert.That(server.Delete<V1Service>("default", "web")).IsTrue();
        await Assert.That(server.Delete<V1Service>("default", "web")).IsFalse();
    }

    [Test]
    public async Task Leases_and_events_support_create_get_replace_with_conflicts()
    {
        await using var server = await FakeApiServer.StartAsync();
        using var client = Client(server);

        var lease = await client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
        {
            Metadata = new V1ObjectMeta { Name = "edge-leader" },
            Spec = new V1LeaseSpec { HolderIdentity = "pod-a", LeaseDurationSeconds = 15 },
        }, "kube-system");
        var exists = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease { Metadata = new V1ObjectMeta { Name = "edge-leader" } }, "kube-system"));

        lease.Spec.HolderIdentity = "pod-b";
        var renewed = await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, "edge-leader", "kube-system");
        lease.Spec.HolderIdentity = "pod-c"; // still carries the old resourceVersion
        var stale = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, "edge-leader", "kube-system"));
        var missing = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CoordinationV1.ReadNamespacedLeaseAsync("nope", "kube-system"));

        await client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = "web.1" },
            InvolvedObject = new V1ObjectReference { Kind = "Ingress", Name = "web", NamespaceProperty = "apps" },
            Reason = "Sync",
            Message = "configuration applied",
        }, "apps");

        await Assert.That(exists!.Response.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
        await Assert.That(exists.Response.Content).Contains("AlreadyExists");
        await Assert.That(renewed.Spec.HolderIdentity).IsEqualTo("pod-b");
        await Assert.That(stale!.Response.StatusCode).IsEqualTo(HttpStatusCode.Conflict);
        await Assert.That(missing!.Response.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(server.Get<V1Lease>("kube-system", "edge-leader")!.Spec.HolderIdentity).IsEqualTo("pod-b");
        await Assert.That(server.List<Corev1Event>("apps").Single().Reason).IsEqualTo("Sync");
    }

    [Test]
    public async Task Cluster_scoped_kinds_and_discovery_use_kubernetes_paths()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Upsert(new V1IngressClass
        {
            Metadata = new V1ObjectMeta { Name = "edge" },
            Spec = new V1IngressClassSpec { Controller = "example.com/edge" },
        });
        using var client = Client(server);

        var classes = await client.NetworkingV1.ListIngressClassAsync();
        var version = await GetJsonAsync(client.HttpClient, server.Url + "/version");
        var groups = await GetJsonAsync(client.HttpClient, server.Url + "/apis");
        using var namespacedNode = await client.HttpClient.GetAsync(server.Url + "/api/v1/namespaces/default/nodes");

        await Assert.That(classes.Items.Single().Metadata.NamespaceProperty).IsNull();
        await Assert.That(classes.Items.Single().Spec.Controller).IsEqualTo("example.com/edge");
        await Assert.That((string?)version["gitVersion"]).IsEqualTo("v1.34.0");
        await Assert.That(groups.ToJsonString()).Contains("\"name\":\"networking.k8s.io\"");
        await Assert.That(namespacedNode.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Injected_failures_downtime_and_restart_on_the_same_port()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Upsert(Service("default", "web"));
        using var client = Client(server);

        server.FailNextRequests(2, 500);
        var f1 = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedServiceAsync("default"));
        var f2 = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedServiceAsync("default"));
        var ok = await client.CoreV1.ListNamespacedServiceAsync("default");
        server.SetDown(true);
        var down = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedServiceAsync("default"));
        server.SetDown(false);

        var port = server.Port;
        var rv = server.ResourceVersion;
        await server.StopAsync();
        await Assert.That(async () => await client.CoreV1.ListNamespacedServiceAsync("default")).Throws<HttpRequestException>();
        await server.RestartAsync();
        var afterRestart = await client.CoreV1.ListNamespacedServiceAsync("default");

        await Assert.That(f1!.Response.StatusCode).IsEqualTo(HttpStatusCode.InternalServerError);
        await Assert.That(f2!.Response.StatusCode).IsEqualTo(HttpStatusCode.InternalServerError);
        await Assert.That(ok.Items.Count).IsEqualTo(1);
        await Assert.That(down!.Response.StatusCode).IsEqualTo(HttpStatusCode.ServiceUnavailable);
        await Assert.That(server.Port).IsEqualTo(port);
        await Assert.That(afterRestart.Metadata.ResourceVersion).IsEqualTo(rv.ToString());
        await Assert.That(afterRestart.Items.Single().Metadata.Name).IsEqualTo("web");
    }

    [Test]
    public async Task Standalone_host_serves_a_manifest_directory_until_stopped()
    {
        var dir = Directory.CreateTempSubdirectory("fake-apiserver-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "app.yaml"), """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: web
                  namespace: apps
                spec:
                  rules:
                  - host: web.example
                """);
            using var stop = new CancellationTokenSource();
            var ready = new TaskCompletionSource<FakeApiServer>(TaskCreationOptions.RunContinuationsAsynchronously);
            var run = FakeApiServerHost.RunStandaloneAsync(["fake-apiserver", "--port", "0", "--manifests", dir, "--token", "t"],
                s => ready.TrySetResult(s), stop.Token);
            var server = await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
            using var client = Client(server, "t");

            var ingresses = await client.NetworkingV1.ListNamespacedIngressAsync("apps");
            await stop.CancelAsync();

            await Assert.That(ingresses.Items.Single().Spec.Rules[0].Host).IsEqualTo("web.example");
            await Assert.That(await run.WaitAsync(TimeSpan.FromSeconds(30))).IsEqualTo(0);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
