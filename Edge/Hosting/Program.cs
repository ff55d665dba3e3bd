using System.Runtime.InteropServices;
using Edge.Aggregation;
using Edge.Api;
using Edge.Configuration;
using Edge.DataPlane;
using Edge.Model;
using Edge.Observability;
using Edge.Observability.AccessLog;
using Edge.Observability.Logging;
using Edge.Observability.Metrics;
using Edge.Providers;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Ingress;

namespace Edge.Hosting;

public static class EdgeMain
{
    public static async Task<int> Main(string[] args)
    {
        // Socket completions run inline on the epoll threads instead of hopping to the thread
        // pool: measured +9% req/s on one core (README, Performance). Read once, at the first
        // socket, so it is set before anything opens one; an explicit value from the
        // environment wins (0 turns it off).
        if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
            Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        if (args.Length > 0)
        {
            switch (args[0])
            {
                case "version" or "--version":
                    Console.WriteLine($"Version:      {EdgeVersion.Version}\nCodename:     edge\nGo version:   none (.NET {Environment.Version}, Native AOT)\nOS/Arch:      {RuntimeInformation.OSDescription}/{RuntimeInformation.OSArchitecture}");
                    return 0;
                case "help" when args.Length > 1 && args[1] == "markdown":
                    Console.Write(OptionCatalog.Markdown());
                    return 0;
                case "--help" or "-h" or "help":
                    Console.Write(HelpText.Build());
                    return 0;
                case "healthcheck":
                    return await HealthCheck.RunAsync(args[1..]);
                case "render":
                    return Render.RenderCommand.Run(args[1..], Console.In, Console.Out, Console.Error);
            }
        }

        StaticConfig config;
        try
        {
            config = ConfigLoader.Load(args);
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine($"edge: {e.Message}");
            return 2;
        }
        Log.Level = Edge.Observability.Logging.Log.Parse(config.Log.Level);
        Log.Json = config.Log.Format == "json";
        if (config.Log.FilePath.Length > 0)
        {
            try
            {
                Log.Output = new Edge.Observability.Logging.RotatingFileWriter(config.Log.FilePath, config.Log.MaxSize, config.Log.MaxBackups, config.Log.MaxAge, config.Log.Compress);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"edge: invalid option log.filePath: cannot open {config.Log.FilePath}: {e.Message}");
                return 2;
            }
        }

        try
        {
            return await RunAsync(config);
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine($"edge: {e.Message}");
            return 2;
        }
    }

    private static async Task<int> RunAsync(StaticConfig config)
    {
        using var stopping = new CancellationTokenSource();
        var store = new ConfigurationStore();
        // providers.providersThrottleDuration applies to the merge; each provider's own throttle to its loop.
        var aggregator = new ConfigurationAggregator(store, config.ProvidersThrottleDuration);
        // The internal provider's configuration never changes: handed over once, merged with every other.
        _ = aggregator.UpdateAsync(ProviderNames.Internal, Edge.Providers.Internal.InternalProvider.Configuration(config), []);
        // Certificate resolvers: each a provider of the certificates it obtains (see AcmeResolver).
        var challenges = new Edge.Security.Acme.ChallengeResponder();
        var acme = AcmeWiring.Create(config, aggregator, challenges);
        var resolvers = acme.Resolvers;
        var dataPlane = new EdgeDataPlane(config, store, config.ServersTransport, challenges,
            resolvers.Where(r => r.Unavailable is not null).ToDictionary(r => r.Name, r => r.Unavailable!, StringComparer.OrdinalIgnoreCase));
        foreach (var resolver in resolvers)
        {
            store.Changed += applied => resolver.OnConfiguration(applied.Config);
            resolver.OnConfiguration(store.Current.Config);
        }
        var tcpRouting = new Edge.DataPlane.Tcp.TcpRouting(config, store);
        await using var udpRouting = new Edge.DataPlane.Udp.UdpRouting(config, store);
        EdgeMetrics? metrics = null;
        if (config.Metrics.PrometheusEnabled)
        {
            metrics = new EdgeMetrics(config.Metrics) { Certificates = () => dataPlane.Certificates.Leaves, ServersUp = dataPlane.ServersUp };
            store.Changed += applied => metrics.ConfigurationReloaded(applied.AppliedAt, applied.Config);
            foreach (var resolver in resolvers) resolver.OrderCompleted += o => metrics.AcmeOrder(o.Resolver, o.Domains, o.Kind, o.Success);
        }
        await using var accessLog = config.AccessLog.Enabled ? new AccessLogWriter(config.AccessLog) : null;
        await using var spanExporter = config.Tracing.Enabled
            ? new Edge.Observability.Tracing.SpanExporter(config.Tracing, Edge.Observability.Tracing.TracingResource.Build(config.Tracing)) : null;
        var tracer = spanExporter is null ? null : new Edge.Observability.Tracing.RequestTracer(config.Tracing, spanExporter);
        if (spanExporter is not null)
            Log.Info("Tracing with OpenTelemetry", ("endpoint", Edge.Observability.Tracing.SpanExporter.Target(config.Tracing).ToString()),
                ("protocol", config.Tracing.UseGrpc ? "grpc" : "http/protobuf"), ("sampleRate", config.Tracing.SampleRate));
        var observer = new RequestObserver(metrics, accessLog, namespaceLabels: config.KubernetesIngress.TenancyEnabled,
            filter: new ObservationFilter(config.AccessLog, config.Metrics), tracer: tracer);
        var readiness = new Readiness();
        var api = new ApiHandler(config, store, () => dataPlane.RouterErrors, metrics, readiness,
            new ServerStatusSource(() => Edge.DataPlane.Forwarding.ServerHealth.Version, dataPlane.ServerStatusOf));
        var debug = new DebugVars()
            .Add("ruleCacheEntries", () => Edge.DataPlane.Routing.Rules.RuleCache.Count)
            .Add("certificateParseCacheEntries", () => Edge.DataPlane.Tls.CertificateStore.ParseCacheCount)
            .Add("compiledServices", () => dataPlane.CompiledServiceCount)
            .Add("routers", () => store.Current.Config.Http.Routers.Count)
            .Add("services", () => store.Current.Config.Http.Services.Count)
            .Add("metricCells", () => metrics?.Cells.Count ?? 0)
            .Add("framingGuardConnections", () => Edge.DataPlane.Forwarding.Http1FramingGuard.ConnectionCount)
            .Add("accessLogDropped", () => accessLog?.Dropped ?? 0)
            .Add("spansExported", () => spanExporter?.Exported ?? 0)
            .Add("spansDropped", () => spanExporter?.Dropped ?? 0);
        api.DebugVars = debug;
        api.Sources.LastReloadFailure = () => aggregator.LastFailure;
        api.Sources.CertificateFor = host =>
        {
            var certificates = dataPlane.Certificates;
            return (certificates.Select(host).TargetCertificate, !certificates.Has(host));
        };
        // Live traffic for the dashboard: sampled from the metrics' own counters, nothing per request.
        var traffic = metrics is not null && api.DashboardEnabled ? new Edge.Observability.Traffic.TrafficSampler(metrics) : null;
        api.Sources.Traffic = traffic;
        if (traffic is not null) debug.Add("trafficSeries", () => traffic.SeriesCount);

        KubeApi? kube = null;
        var controllers = new List<ProviderController>();
        ClusterCache? cache = null;
        LeaderElector? elector = null;
        if (config.KubernetesIngressEnabled)
        {
            var kubeConfig = KubeClientFactory.BuildConfiguration(config.KubernetesIngress);
            kube = new KubeApi(kubeConfig);
            var options = config.KubernetesIngress;
            var statusWriter = options.HasIngressEndpoint || options.ReportNodeInternalIPs ? new IngressStatusWriter(kube) : null;
            var crd = config.KubernetesCrdEnabled ? config.KubernetesCrd : null;
            ProviderController? ingress = null, crdProvider = null;
            cache = new ClusterCache(kube, options, () => { ingress?.Signal(); crdProvider?.Signal(); }, crd);
            var events = options.TenancyEnabled ? new EventRecorder(kube, Environment.MachineName) : null;
            if (config.LeaderElection.Enabled)
            {
                var leaseNamespace = LeaderElector.ResolveNamespace(config.LeaderElection, kubeConfig.Namespace, Environment.GetEnvironmentVariable);
                elector = new LeaderElector(kube, config.LeaderElection, leaseNamespace, LeaderElector.NewIdentity(Environment.GetEnvironmentVariable));
                // ACME's Kubernetes storage: every replica watches the Secrets, the leader alone orders and writes.
                acme.AttachKubernetes(kube, elector, leaseNamespace);
                foreach (var acmeStore in acme.SecretStores.Values)
                    debug.Add("informerItems acme " + acmeStore.Description, () => acmeStore.Informer?.Count ?? 0);
                // A new leader writes what is due at once instead of waiting for the next change.
                var leading = elector;
                api.Sources.IsLeader = () => leading.IsLeader;
                elector.LeadershipChanged += leader => { if (leader) { statusWriter?.Forget(); ingress?.Signal(); } };
            }
            readiness.Expect(ProviderNames.Kubernetes);
            aggregator.Applied += readiness.Applied;
            var memo = new TranslationMemo();   // a change re-translates only the Ingresses it touches
            debug.Add("translationMemoIngresses", () => memo.Count).Add("statusWriterIngresses", () => statusWriter?.Count ?? 0);
            foreach (var informer in cache.Informers) debug.Add("informerItems " + informer.Description, () => informer.Count);
            var snapshots = cache;
            ingress = new ProviderController(ProviderNames.Kubernetes, cache, () => snapshots.IngressSynced,
                s => TranslatorBinding.Translate(s, options, memo), aggregator, statusWriter, options.ThrottleDuration, events,
                isLeader: elector is null ? null : () => elector.IsLeader);
            controllers.Add(ingress);
            if (crd is not null)
            {
                readiness.Expect(ProviderNames.KubernetesCrd);
                crdProvider = new ProviderController(ProviderNames.KubernetesCrd, cache, () => snapshots.CrdSynced,
                    s => Edge.Providers.Kubernetes.Crd.CrdBinding.Translate(s, crd), aggregator, null, crd.ThrottleDuration);
                controllers.Add(crdProvider);
            }
            Log.Info("Ingress label selector is", ("labelSelector", options.LabelSelector));
        }

        // The file provider needs no cluster: with it alone Edge runs as a bare binary (see StaticConfig.ApplyDefaults).
        Edge.Providers.Files.FileProvider? fileProvider = null;
        if (config.FileProviderEnabled)
        {
            readiness.Expect(ProviderNames.File);
            if (!config.KubernetesIngressEnabled) aggregator.Applied += readiness.Applied;
            fileProvider = new Edge.Providers.Files.FileProvider(config.FileProvider, aggregator);
            Log.Info("File provider reads", ("providerName", ProviderNames.File),
                ("source", config.FileProvider.Directory.Length > 0 ? config.FileProvider.Directory : config.FileProvider.Filename), ("watch", config.FileProvider.Watch));
        }

        // The informers list while Kestrel binds: the first routes are ready sooner.
        var background = new List<Task>();
        background.Add(aggregator.RunAsync(stopping.Token));
        foreach (var resolver in resolvers) background.Add(resolver.RunAsync(stopping.Token));
        if (traffic is not null) background.Add(traffic.RunAsync(stopping.Token));
        if (fileProvider is not null) background.Add(fileProvider.RunAsync(stopping.Token));
        if (cache is not null)
        {
            foreach (var controller in controllers) background.Add(controller.RunAsync(stopping.Token));
            background.Add(cache.RunAsync(stopping.Token));
            if (elector is not null) background.Add(elector.RunAsync(stopping.Token));
            background.AddRange(acme.RunStores(stopping.Token));
        }

        await using var host = new EdgeHost(config, api, dataPlane.HandleAsync, () => dataPlane.Certificates, observer, metrics,
            ep => dataPlane.State.TlsOptions.GetValueOrDefault(ep) ?? Edge.DataPlane.Tls.EntryPointTlsOptions.Empty, challenges,
            () => tcpRouting.State);
        try
        {
            await host.StartAsync(stopping.Token);
            udpRouting.Start();
        }
        catch (IOException e)
        {
            Log.Error("Cannot listen on entry point", ("error", e.Message));
            Console.Error.WriteLine($"edge: cannot listen: {e.Message}");
            stopping.Cancel();
            return 1;
        }
        Log.Info("Edge started", ("version", EdgeVersion.Version), ("entryPoints", string.Join(",", config.EntryPoints.Values.Select(e => e.Name + "=" + e.Address))));

        var terminated = new TaskCompletionSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; terminated.TrySetResult(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; terminated.TrySetResult(); });

        await terminated.Task;
        Log.Info("Shutting down");
        api.Terminating = true;
        var acceptGrace = config.EntryPoints.Values.Select(e => e.RequestAcceptGraceTimeout).DefaultIfEmpty(TimeSpan.Zero).Max();
        if (acceptGrace > TimeSpan.Zero) await Task.Delay(acceptGrace);
        await host.StopAsync(CancellationToken.None);
        stopping.Cancel();
        try { await Task.WhenAll(background).WaitAsync(TimeSpan.FromSeconds(5)); } catch (Exception) { /* shutting down */ }
        kube?.Dispose();
        dataPlane.Dispose();
        return 0;
    }
}
