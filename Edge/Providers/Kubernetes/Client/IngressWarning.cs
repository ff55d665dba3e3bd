using k8s.Models;

namespace Edge.Providers.Kubernetes.Client;

/// <summary>
/// Something a tenant should learn from its own namespace (a Kubernetes Event on the Ingress),
/// not only from the proxy's log, which tenants usually cannot read.
/// </summary>
public sealed record IngressWarning(V1Ingress Ingress, string Reason, string Message);
