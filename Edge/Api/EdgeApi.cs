using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Edge.Aggregation;
using Edge.Configuration;
using Edge.Model;
using Edge.Observability.Traffic;
using Microsoft.AspNetCore.Http;

namespace Edge.Api;

/// <summary>
/// Edge's own API under /api/edge/ (Traefik's shapes stay untouched elsewhere), read by the dashboard:
/// <c>status</c> (entry points with TLS, features, last configuration and reload), <c>http/routers/{name}</c>
/// (the middleware chain and service resolved in order, the certificate served for each host), and
/// <c>traffic</c> (the live-traffic rings). The API is the operator's, as Traefik's: in tenancy mode
/// it shows every namespace (the dashboard filters by namespace), and it never shows a key or a
/// credential (certificates: subject, issuer, names and expiry only).
/// </summary>
public sealed partial class EdgeApi(StaticConfig config, ConfigurationStore store, ApiSnapshot snapshot, EdgeStatusSources sources)
{
    public async Task HandleAsync(HttpContext ctx, string path)
    {
        var tail = path["/api/edge/".Length..].TrimEnd('/');
        if (tail == "status") { await ApiHandler.Json(ctx, Status(), ApiJsonContext.Default.EdgeStatus); return; }
        if (tail == "traffic") { await ApiHandler.Json(ctx, Traffic(ctx.Request.Query), ApiJsonContext.Default.TrafficView); return; }
        if (tail.StartsWith("http/routers/", StringComparison.Ordinal))
        {
            var name = Uri.UnescapeDataString(tail["http/routers/".Length..]);
            if (!snapshot.RouterByName.TryGetValue(name, out var router)) { await ApiHandler.NotFound(ctx, "router not found: " + name); return; }
            await ApiHandler.Json(ctx, Extras(router), ApiJsonContext.Default.RouterExtras);
            return;
        }
        await ApiHandler.NotFound(ctx, "not found");
    }

    private EdgeStatus Status()
    {
        var applied = store.Current;
        var failure = sources.LastReloadFailure?.Invoke();
        var s = new EdgeStatus
        {
            Version = EdgeVersion.Version,
            EntryPoints = config.EntryPoints.Values.Select(e => new EdgeEntryPoint
            {
                Name = e.Name, Address = e.Address, Tls = e.HttpTls, TlsOptions = e.HttpTlsOptions.Length > 0 ? e.HttpTlsOptions : null,
                RedirectTo = e.RedirectTo.Length > 0 ? e.RedirectTo : null,
            }).ToList(),
            Features = new EdgeFeatures
            {
                Tenancy = config.KubernetesIngressEnabled && config.KubernetesIngress.TenancyEnabled,
                LeaderElection = config.LeaderElection.Enabled, Leader = sources.IsLeader?.Invoke(),
                AccessLog = config.AccessLog.Enabled, Metrics = config.Metrics.PrometheusEnabled, Tracing = config.Tracing.Enabled,
                Traffic = sources.Traffic is not null, RouterTraffic = sources.Traffic is { RouterSeries: true },
            },
            Configuration = new EdgeConfigurationState
            {
                Generation = applied.Generation, AppliedAt = applied.Generation > 0 ? applied.AppliedAt : null, Reloads = store.ReloadCount,
                LastReloadSucceeded = failure is null, LastReloadError = failure?.Error, LastReloadErrorAt = failure?.At,
                Issues = applied.Issues.Take(100).ToList(), IssueCount = applied.Issues.Count,
            },
            Namespaces = snapshot.Routers.Select(r => r.Namespace).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
        };
        return s;
    }

    private RouterExtras Extras(RouterInfo router)
    {
        var name = router.Name!;
        var provider = ProviderNames.ProviderOf(name);
        var extras = new RouterExtras { Name = name };
        if (router.Observability?.Metadata?.Ingress is { Namespace: { } ns, IngressName: { } ing }) extras.Source = ns + "/" + ing;
        foreach (var m in router.Middlewares ?? [])
        {
            var q = ProviderNames.Qualify(m, provider);
            extras.Chain.Add(snapshot.MiddlewareByName.TryGetValue(q, out var mi)
                ? new ChainStep { Name = q, Type = mi.Type, Status = mi.Status, Error = mi.Error }
                : new ChainStep { Name = q, Status = "missing", Error = [$"middleware \"{q}\" does not exist"] });
        }
        var service = ProviderNames.Qualify(router.Service, provider);
        extras.Service = snapshot.ServiceByName.TryGetValue(service, out var si)
            ? new ChainStep { Name = service, Type = si.Type, Status = si.Status, Error = si.Error }
            : new ChainStep { Name = service, Status = "missing", Error = [$"the service \"{service}\" does not exist"] };
        bool tls = router.Tls is not null || (router.EntryPoints ?? []).Any(e => config.EntryPoints.TryGetValue(e, out var ep) && ep.HttpTls);
        if (tls && sources.CertificateFor is { } certificateFor)
            foreach (var host in Hosts(router))
                if (certificateFor(host) is { } chosen) extras.Certificates.Add(View(host, chosen.Certificate, chosen.IsDefault));
        return extras;
    }

    /// <summary>The SNI names a TLS router answers: tls.domains, then the literal names of its Host matchers.</summary>
    internal static List<string> Hosts(RouterInfo router)
    {
        var hosts = new List<string>();
        foreach (var d in router.Tls?.Domains ?? [])
        {
            if (d.Main is { Length: > 0 } main) hosts.Add(main);
            hosts.AddRange(d.Sans ?? []);
        }
        foreach (Match call in HostCall().Matches(router.Rule))
            foreach (Match arg in QuotedArg().Matches(call.Groups[1].Value))
                hosts.Add(arg.Groups[2].Value);
        return hosts.Select(h => h.TrimEnd('.').ToLowerInvariant()).Where(h => h.Length > 0).Distinct(StringComparer.Ordinal).Take(20).ToList();
    }

    [GeneratedRegex(@"\bHost\(([^)]*)\)")]
    private static partial Regex HostCall();

    [GeneratedRegex("([`\"])([^`\"]*)\\1")]
    private static partial Regex QuotedArg();

    private static CertificateView View(string host, X509Certificate2 cert, bool isDefault) => new()
    {
        Host = host, Subject = cert.Subject, Issuer = cert.Issuer, NotAfter = new DateTimeOffset(cert.NotAfter.ToUniversalTime()), IsDefault = isDefault,
        Sans = Edge.DataPlane.Tls.CertificateStore.Names(cert),
    };

    private TrafficView Traffic(IQueryCollection q)
    {
        if (sources.Traffic is not { } sampler)
            return new TrafficView { Reason = "live traffic needs --metrics.prometheus=true (its counters are sampled)" };
        var kind = q["kind"].ToString() switch
        {
            "service" => TrafficKind.Service, "entrypoint" => TrafficKind.EntryPoint, "namespace" => TrafficKind.Namespace, _ => TrafficKind.Router,
        };
        var name = q["name"].ToString();
        var ns = q["namespace"].ToString();
        int top = int.TryParse(q["top"], out var t) && t > 0 ? Math.Min(t, 100) : 100;
        var (tick, series) = sampler.Read(kind, name.Length > 0 ? name : null, ns.Length > 0 ? ns : null);
        var view = new TrafficView
        {
            Enabled = true, IntervalSeconds = sampler.Interval.TotalSeconds, Tick = tick, SampledAt = tick >= 0 ? sampler.LastSampleAt : null,
            Reason = kind == TrafficKind.Router && !sampler.RouterSeries ? "per-router traffic needs --metrics.prometheus.addRoutersLabels=true" : null,
        };
        foreach (var (s, seriesNs, points) in series.OrderByDescending(x => x.Series.Requests).ThenBy(x => x.Series.Name, StringComparer.Ordinal).Take(top))
        {
            view.Series.Add(new TrafficSeriesView
            {
                Kind = kind.ToString().ToLowerInvariant(), Name = s.Name, Namespace = seriesNs, Requests = s.Requests,
                Rate = points.Select(p => p.Rate).ToArray(), Share4xx = points.Select(p => p.Share4xx).ToArray(),
                Share5xx = points.Select(p => p.Share5xx).ToArray(), P50 = points.Select(p => p.P50).ToArray(),
                P99 = points.Select(p => p.P99).ToArray(), Mean = points.Select(p => p.Mean).ToArray(),
            });
        }
        return view;
    }
}
