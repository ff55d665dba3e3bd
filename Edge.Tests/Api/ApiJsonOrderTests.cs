using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Api;

namespace Edge.Tests.Api;

/// <summary>
/// The API's elements share their status fields (<see cref="ApiElementStatus"/>); their JSON keeps
/// Traefik's field order: the configuration, then error, status, the users, then name and provider.
/// </summary>
public class ApiJsonOrderTests
{
    /// <summary>The keys in the order written (null values are left out, as the API does).</summary>
    private static string Keys(string json) => string.Join(",", JsonNode.Parse(json)!.AsObject().Select(kv => kv.Key));

    [Test]
    public async Task Routers_services_and_middlewares_write_their_status_after_their_configuration_in_traefiks_order()
    {
        var o = ApiJsonContext.Default;
        var router = new RouterInfo
        {
            EntryPoints = ["web"], Middlewares = ["m"], Service = "s", Rule = "Host(`a`)", RuleSyntax = "v3", Priority = 9, Tls = new(), Observability = new(),
            Error = ["e"], Using = ["web"], Name = "r@file", Provider = "file", Namespace = "team-a",
        };
        await Assert.That(Keys(JsonSerializer.Serialize(router, o.RouterInfo)))
            .IsEqualTo("entryPoints,middlewares,service,rule,ruleSyntax,priority,tls,observability,error,status,using,name,provider");
        var service = new ServiceInfo
        {
            LoadBalancer = new(), Middlewares = ["m"], Error = ["e"], UsedBy = ["r"], ServerStatus = new() { ["http://a"] = "UP" },
            Name = "s@file", Provider = "file", Type = "loadbalancer",
        };
        await Assert.That(Keys(JsonSerializer.Serialize(service, o.ServiceInfo)))
            .IsEqualTo("loadBalancer,middlewares,error,status,usedBy,serverStatus,name,provider,type");
        var middleware = new MiddlewareInfo { AddPrefix = new(), Error = ["e"], UsedBy = ["r"], Name = "m@file", Provider = "file", Type = "addprefix" };
        await Assert.That(Keys(JsonSerializer.Serialize(middleware, o.MiddlewareInfo))).IsEqualTo("addPrefix,error,status,usedBy,name,provider,type");
        var tcpRouter = new TcpRouterInfo { EntryPoints = ["tcp"], Tls = new(), Error = ["e"], Using = ["tcp"], Name = "t@file", Provider = "file" };
        await Assert.That(Keys(JsonSerializer.Serialize(tcpRouter, o.TcpRouterInfo)))
            .IsEqualTo("entryPoints,service,rule,priority,tls,error,status,using,name,provider");
        var tcpService = new TcpServiceInfo { LoadBalancer = new(), Error = ["e"], UsedBy = ["t"], ServerStatus = new(), Name = "s@file", Provider = "file", Type = "loadbalancer" };
        await Assert.That(Keys(JsonSerializer.Serialize(tcpService, o.TcpServiceInfo)))
            .IsEqualTo("loadBalancer,error,status,usedBy,serverStatus,name,provider,type");
        var tcpMiddleware = new TcpMiddlewareInfo { IpAllowList = new(), Error = ["e"], UsedBy = ["t"], Name = "m@file", Provider = "file", Type = "ipallowlist" };
        await Assert.That(Keys(JsonSerializer.Serialize(tcpMiddleware, o.TcpMiddlewareInfo))).IsEqualTo("ipAllowList,error,status,usedBy,name,provider,type");
    }
}
