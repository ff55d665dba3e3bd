using Edge.DataPlane.Routing.Rules;
using Edge.Model;

namespace Edge.DataPlane.Routing.Table;

/// <summary>A router admitted into a <see cref="RouteTable"/>, with its effective priority.</summary>
public sealed class RouteEntry
{
    internal RouteEntry(string name, Router router, CompiledRule rule, long priority)
    {
        Name = name;
        Router = router;
        Rule = rule;
        Priority = priority;
        // Computed once per configuration so that metrics and access logs never concatenate per request.
        QualifiedName = ProviderNames.Qualify(name);
        QualifiedService = ProviderNames.Qualify(router.Service, ProviderNames.ProviderOf(name));
        ServiceKey = ProviderNames.Resolve(router.Service, name);
        Namespace = router.Namespace;
        AccessLogs = router.Observability?.AccessLogs;
        Metrics = router.Observability?.Metrics;
        Tracing = router.Observability?.Tracing;
        Detailed = router.Observability?.TraceVerbosity is { } v ? v == "detailed" : null;
    }

    /// <summary>The router's observability.accessLogs / metrics; null = the entry point's default.</summary>
    public bool? AccessLogs { get; }
    public bool? Metrics { get; }
    /// <summary>The router's observability.tracing and traceVerbosity (detailed = true); null = the entry point's.</summary>
    public bool? Tracing { get; }
    public bool? Detailed { get; }

    /// <summary>The namespace of the Ingress this router came from (tenancy limits, metrics and logs).</summary>
    public string? Namespace { get; }

    /// <summary>Traefik's name@provider, the router label of metrics and the RouterName of access logs.</summary>
    public string QualifiedName { get; }

    public string QualifiedService { get; }

    /// <summary>The router's service as the configuration stores it (its unqualified name belongs to the router's provider).</summary>
    public string ServiceKey { get; }

    public string Name { get; }

    public Router Router { get; }

    public CompiledRule Rule { get; }

    /// <summary>Router.Priority when non-zero, else the rule length (Traefik).</summary>
    public long Priority { get; }

    /// <summary>Index of the router's provider in providersPrecedence (lower wins a priority tie); 0 without one.</summary>
    internal int ProviderRank { get; init; }

    /// <summary>
    /// The tables' total order: priority descending, then provider precedence, then name (Traefik's
    /// sort is not stable; the name makes ties deterministic across reloads). Entries do not carry
    /// a position, so an unchanged router's entry is shared by the tables patched from its own.
    /// </summary>
    internal static int Compare(RouteEntry a, RouteEntry b)
    {
        if (ReferenceEquals(a, b)) return 0;
        if (a.Priority != b.Priority) return b.Priority.CompareTo(a.Priority);
        return a.ProviderRank != b.ProviderRank ? a.ProviderRank.CompareTo(b.ProviderRank) : string.CompareOrdinal(a.Name, b.Name);
    }

    internal static readonly IComparer<RouteEntry> Order = Comparer<RouteEntry>.Create(Compare);

    public override string ToString() => $"{Name} (priority {Priority}): {Rule.Text}";
}
