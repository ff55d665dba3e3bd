using System.Globalization;
using Edge.Configuration;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;

namespace Edge.Providers.Kubernetes.Ingress.Tenancy;

/// <summary>
/// What cluster administrators set on a Namespace object for tenancy mode. Tenants with namespaced
/// RBAC cannot edit their own Namespace, so these annotations are a trustworthy policy source.
/// </summary>
public static class NamespacePolicy
{
    public const string AllowedHostsAnnotation = "edge.io/allowed-hosts";
    public const string RateLimitAnnotation = "edge.io/rate-limit";
    public const string RateBurstAnnotation = "edge.io/rate-burst";
    public const string MaxConcurrentAnnotation = "edge.io/max-concurrent-requests";

    /// <summary>The namespace's allowed host patterns, or null when it has none (any host).</summary>
    public static HostPatterns? AllowedHosts(ClusterSnapshot snapshot, string ns) =>
        Annotation(snapshot, ns, AllowedHostsAnnotation) is { Length: > 0 } value ? new HostPatterns(value) : null;

    /// <summary>
    /// The effective limits of <paramref name="ns"/>: the flag defaults, overridden by the Namespace's
    /// annotations. A malformed annotation keeps the default and is reported.
    /// </summary>
    public static NamespaceLimits Limits(ClusterSnapshot snapshot, string ns, TenancyOptions defaults, Action<string> issue)
    {
        int rate = Int(snapshot, ns, RateLimitAnnotation, defaults.RateLimitAverage, issue);
        int burst = Int(snapshot, ns, RateBurstAnnotation, defaults.RateLimitBurst, issue);
        int concurrent = Int(snapshot, ns, MaxConcurrentAnnotation, defaults.MaxConcurrentRequests, issue);
        return new NamespaceLimits(rate, burst == 0 ? rate : burst, concurrent);
    }

    private static int Int(ClusterSnapshot snapshot, string ns, string annotation, int fallback, Action<string> issue)
    {
        if (Annotation(snapshot, ns, annotation) is not { } value) return fallback;
        if (int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0) return n;
        issue($"annotation {annotation}=\"{value}\" is not a non-negative integer, using {fallback}");
        return fallback;
    }

    private static string? Annotation(ClusterSnapshot snapshot, string ns, string name)
    {
        if (!snapshot.Namespaces.TryGetValue(ns, out var n)) return null;
        string? value = null;
        n.Metadata?.Annotations?.TryGetValue(name, out value);
        return value;
    }
}
