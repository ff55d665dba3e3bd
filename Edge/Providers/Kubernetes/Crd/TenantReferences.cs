using System.Net;

namespace Edge.Providers.Kubernetes.Crd;

/// <summary>
/// Tenancy mode: the services a tenant's Middleware sends requests to (an errors page service, a
/// forwardAuth server) must be in the Middleware's own namespace, whatever allowCrossNamespace
/// says; otherwise the middleware is in error (and so is every router using it) with a reason
/// naming the service. Edge's network reach is not the tenant's, so a reference it cannot show to
/// be the tenant's own is refused (fail closed).
/// </summary>
internal static class TenantReferences
{
    /// <summary>Why an errors middleware of <paramref name="ns"/> may not use the Service <paramref name="serviceNs"/>/<paramref name="name"/>; null when it may.</summary>
    public static string? ErrorsService(string ns, string serviceNs, string name) => serviceNs == ns ? null
        : $"in tenancy mode the errors service {serviceNs}/{name} must be in the Middleware's namespace {ns}";

    /// <summary>
    /// Why a forwardAuth <paramref name="address"/> of a Middleware in <paramref name="ns"/> is not the
    /// tenant's own: its host is a cluster name of another namespace (<c>svc.other</c>,
    /// <c>svc.other.svc[.domain]</c>, <c>a-b-c-d.other.pod[.domain]</c>), a single label (resolved in
    /// Edge's own namespace through the pod's DNS search path) or an IP address (any Service or pod).
    /// A name outside the cluster (three labels or more, not <c>.svc</c>/<c>.pod</c>) is allowed.
    /// </summary>
    public static string? ForwardAuthAddress(string ns, string? address)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Host.Length == 0) return null;   // the middleware reports a bad address itself
        var host = uri.Host.TrimEnd('.').ToLowerInvariant();
        string Refused(string why) => $"in tenancy mode the forwardAuth service {host} must be a Service of the Middleware's namespace {ns} ({why})";
        if (IPAddress.TryParse(host.Trim('[', ']'), out _)) return Refused("an IP address may be any namespace's");
        var labels = host.Split('.');
        if (labels.Length == 1) return Refused("a single-label name resolves in Edge's namespace");
        bool clusterName = labels.Length == 2 || labels[2] is "svc" or "pod";
        if (!clusterName) return null;
        return labels[1] == ns ? null : Refused($"it is in namespace {labels[1]}");
    }
}
