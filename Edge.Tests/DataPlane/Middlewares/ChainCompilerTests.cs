using Edge.DataPlane.Middlewares;
using Edge.Model;

namespace Edge.Tests.DataPlane.Middlewares;

/// <summary>A router's chain: its middlewares then its service's, chains expanded, errors fail closed.</summary>
public class ChainCompilerTests
{
    private static DynamicConfig Config(List<string> routerMiddlewares, List<string>? serviceMiddlewares = null, string ns = "default")
    {
        var c = new DynamicConfig();
        c.Http.Routers["r"] = new Router
        {
            Service = "svc", Rule = "Host(`a`)", Middlewares = routerMiddlewares, Namespace = ns,
        };
        c.Http.Services["svc"] = new Service { LoadBalancer = ServersLoadBalancer.WithDefaults(), Middlewares = serviceMiddlewares };
        c.Http.Middlewares["default-add-a@kubernetescrd"] = new Middleware { AddPrefix = new() { Prefix = "/a" }, Namespace = "default" };
        c.Http.Middlewares["default-add-b@kubernetescrd"] = new Middleware { AddPrefix = new() { Prefix = "/b" }, Namespace = "default" };
        c.Http.Middlewares["default-both@kubernetescrd"] = new Middleware { Chain = new() { Middlewares = ["default-add-a@kubernetescrd", "default-add-b@kubernetescrd"] }, Namespace = "default" };
        c.Http.Middlewares["default-loop@kubernetescrd"] = new Middleware { Chain = new() { Middlewares = ["default-loop2@kubernetescrd"] }, Namespace = "default" };
        c.Http.Middlewares["default-loop2@kubernetescrd"] = new Middleware { Chain = new() { Middlewares = ["default-loop@kubernetescrd"] }, Namespace = "default" };
        c.Http.Middlewares["default-broken@kubernetescrd"] = new Middleware { Error = "middleware type \"forwardAuth\" is not supported by Edge yet", Namespace = "default" };
        c.Http.Middlewares["team-b-add@kubernetescrd"] = new Middleware { AddPrefix = new() { Prefix = "/b" }, Namespace = "team-b" };
        return c;
    }

    private static async Task<string?> PathThrough(DynamicConfig c, bool tenancy = false)
    {
        var steps = new ChainCompiler(c, "kubernetes", tenancy).Compile(c.Http.Routers["r"], out var error);
        if (steps is null) throw new InvalidOperationException(error);
        return (await MiddlewareHarness.RunAsync(steps, "/x")).ForwardedPath;
    }

    [Test]
    public async Task Router_middlewares_run_in_order_then_the_services()
    {
        // addPrefix /a then /b gives /b/a/x: each wraps the path it is given.
        await Assert.That(await PathThrough(Config(["default-add-a@kubernetescrd"], ["default-add-b@kubernetescrd"]))).IsEqualTo("/b/a/x");
        await Assert.That(await PathThrough(Config(["default-add-b@kubernetescrd", "default-add-a@kubernetescrd"]))).IsEqualTo("/a/b/x");
    }

    [Test]
    public async Task A_chain_expands_in_place() =>
        await Assert.That(await PathThrough(Config(["default-both@kubernetescrd"]))).IsEqualTo("/b/a/x");

    [Test]
    [Arguments("default-loop@kubernetescrd", "recursion detected")]
    [Arguments("default-broken@kubernetescrd", "not supported by Edge yet")]
    [Arguments("default-missing@kubernetescrd", "middleware \"default-missing@kubernetescrd\" does not exist")]
    public async Task A_chain_that_cannot_be_built_is_an_error_for_the_router(string middleware, string error)
    {
        var c = Config([middleware]);
        var steps = new ChainCompiler(c, "kubernetes", false).Compile(c.Http.Routers["r"], out var why);
        await Assert.That(steps).IsNull();
        await Assert.That(why).Contains(error);
    }

    [Test]
    public async Task Tenancy_refuses_another_namespaces_middleware()
    {
        var c = Config(["team-b-add@kubernetescrd"]);
        await Assert.That(new ChainCompiler(c, "kubernetes", tenancy: false).Compile(c.Http.Routers["r"], out _)).IsNotNull();
        var steps = new ChainCompiler(c, "kubernetes", tenancy: true).Compile(c.Http.Routers["r"], out var why);
        await Assert.That(steps).IsNull();
        await Assert.That(why).Contains("belongs to namespace \"team-b\"");
    }
}
