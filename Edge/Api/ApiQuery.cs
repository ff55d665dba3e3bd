using Microsoft.AspNetCore.Http;

namespace Edge.Api;

/// <summary>
/// The query parameters of Traefik's list endpoints (pkg/api/criterion.go, sort.go): <c>search</c>
/// (case-insensitive substring of the name, and of the rule for routers), <c>status</c>
/// (case-insensitive), <c>serviceName</c> and <c>middlewareName</c> (routers only), <c>sortBy</c>
/// and <c>direction</c>, <c>page</c> and <c>per_page</c> with the <c>X-Next-Page</c> header.
/// Edge adds <c>provider</c> and <c>namespace</c> (an Ingress router's namespace), which the
/// dashboard's filters use. Pure: parsed once per request, applied to the cached lists.
/// </summary>
public sealed class ApiQuery
{
    public const int DefaultPerPage = 100;
    public const string NextPageHeader = "X-Next-Page";

    public string Search { get; init; } = "";
    public string Status { get; init; } = "";
    public string ServiceName { get; init; } = "";
    public string MiddlewareName { get; init; } = "";
    public string Provider { get; init; } = "";
    public string Namespace { get; init; } = "";
    public string SortBy { get; init; } = "";
    public bool Descending { get; init; }
    public int Page { get; init; } = 1;
    public int PerPage { get; init; } = DefaultPerPage;

    /// <summary>Parses the query; a page or per_page that is not a positive integer is Traefik's 400 (the message is the error).</summary>
    public static ApiQuery Parse(IQueryCollection q, out string? error)
    {
        error = null;
        var query = new ApiQuery
        {
            Search = q["search"].ToString(), Status = q["status"].ToString(), ServiceName = q["serviceName"].ToString(),
            MiddlewareName = q["middlewareName"].ToString(), Provider = q["provider"].ToString(), Namespace = q["namespace"].ToString(),
            SortBy = q["sortBy"].ToString(), Descending = q["direction"].ToString() == "desc",
            Page = IntParam(q, "page", 1, ref error), PerPage = IntParam(q, "per_page", DefaultPerPage, ref error),
        };
        return query;
    }

    // Traefik's getIntParam: empty is the default; anything else must be a positive integer.
    private static int IntParam(IQueryCollection q, string key, int fallback, ref string? error)
    {
        var raw = q[key].ToString();
        if (raw.Length == 0) return fallback;
        if (int.TryParse(raw, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var v) && v > 0) return v;
        error ??= $"invalid request: {key}: {(int.TryParse(raw, out var n) ? n : 0)}";
        return fallback;
    }

    public bool Keep(RouterInfo r) =>
        WithStatus(r.Status) && SearchIn(r.Rule, r.Name) && FilterService(r.Service) && FilterMiddleware(r.Middlewares)
        && WithProvider(r.Provider) && WithNamespace(r.Namespace);

    public bool Keep(ServiceInfo s) => WithStatus(s.Status) && SearchIn(s.Name) && WithProvider(s.Provider);

    public bool Keep(MiddlewareInfo m) => WithStatus(m.Status) && SearchIn(m.Name) && WithProvider(m.Provider);

    private bool WithStatus(string status) => Status.Length == 0 || string.Equals(status, Status, StringComparison.OrdinalIgnoreCase);

    private bool WithProvider(string? provider) => Provider.Length == 0 || string.Equals(provider, Provider, StringComparison.OrdinalIgnoreCase);

    private bool WithNamespace(string? ns) => Namespace.Length == 0 || string.Equals(ns, Namespace, StringComparison.Ordinal);

    private bool SearchIn(params string?[] values)
    {
        if (Search.Length == 0) return true;
        foreach (var v in values)
            if (v is not null && v.Contains(Search, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    // Traefik's filterService: a qualified router service must equal the parameter; an unqualified
    // one is compared with the parameter's name before '@'.
    private bool FilterService(string service)
    {
        if (ServiceName.Length == 0) return true;
        if (service.Contains('@')) return ServiceName == service;
        var at = ServiceName.IndexOf('@');
        return (at < 0 ? ServiceName : ServiceName[..at]) == service;
    }

    private bool FilterMiddleware(List<string>? middlewares) => MiddlewareName.Length == 0 || (middlewares?.Contains(MiddlewareName) ?? false);

    /// <summary>Traefik's sortRouters: by the field, then by name; unknown or empty sortBy sorts by name.</summary>
    public void Sort(List<RouterInfo> items)
    {
        Comparison<RouterInfo> byField = SortBy switch
        {
            "provider" => (a, b) => string.CompareOrdinal(a.Provider, b.Provider),
            "priority" => (a, b) => a.Priority.CompareTo(b.Priority),
            "status" => (a, b) => string.CompareOrdinal(a.Status, b.Status),
            "rule" => (a, b) => string.CompareOrdinal(a.Rule, b.Rule),
            "service" => (a, b) => string.CompareOrdinal(a.Service, b.Service),
            "entryPoints" => (a, b) => (a.EntryPoints?.Count ?? 0).CompareTo(b.EntryPoints?.Count ?? 0),
            _ => (_, _) => 0,
        };
        SortBoth(items, byField, r => r.Name);
    }

    public void Sort(List<ServiceInfo> items)
    {
        Comparison<ServiceInfo> byField = SortBy switch
        {
            "type" => (a, b) => string.CompareOrdinal(a.Type, b.Type),
            "servers" => (a, b) => (a.LoadBalancer?.Servers?.Count ?? 0).CompareTo(b.LoadBalancer?.Servers?.Count ?? 0),
            "provider" => (a, b) => string.CompareOrdinal(a.Provider, b.Provider),
            "status" => (a, b) => string.CompareOrdinal(a.Status, b.Status),
            _ => (_, _) => 0,
        };
        SortBoth(items, byField, s => s.Name);
    }

    public void Sort(List<MiddlewareInfo> items)
    {
        Comparison<MiddlewareInfo> byField = SortBy switch
        {
            "type" => (a, b) => string.CompareOrdinal(a.Type, b.Type),
            "provider" => (a, b) => string.CompareOrdinal(a.Provider, b.Provider),
            "status" => (a, b) => string.CompareOrdinal(a.Status, b.Status),
            _ => (_, _) => 0,
        };
        SortBoth(items, byField, m => m.Name);
    }

    private void SortBoth<T>(List<T> items, Comparison<T> byField, Func<T, string?> name)
    {
        // The cached lists are already in name order (ordinal, as Go compares strings): nothing to do.
        if (!Descending && SortBy is not ("provider" or "priority" or "status" or "rule" or "service" or "entryPoints" or "type" or "servers")) return;
        int sign = Descending ? -1 : 1;
        items.Sort((a, b) =>
        {
            var c = byField(a, b);
            if (c == 0) c = string.CompareOrdinal(name(a), name(b));
            return sign * c;
        });
    }

    /// <summary>
    /// Traefik's pagination: a start past the end (other than the first page) is a 400; the next
    /// page is page+1 while more remain, else 1.
    /// </summary>
    public bool TryPage<T>(List<T> items, out List<T> page, out int nextPage, out string? error)
    {
        long start = (long)(Page - 1) * PerPage;
        page = [];
        nextPage = 1;
        error = null;
        if (start != 0 && start >= items.Count)
        {
            error = $"invalid request: page: {Page}, per_page: {PerPage}";
            return false;
        }
        int end = (int)Math.Min(start + PerPage, items.Count);
        if ((long)Page * PerPage < items.Count) nextPage = Page + 1;
        page = items.GetRange((int)start, end - (int)start);
        return true;
    }
}
