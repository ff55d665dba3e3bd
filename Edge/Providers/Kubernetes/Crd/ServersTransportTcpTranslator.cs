using System.Text.Json;
using Edge.Model;
using Edge.Providers.Kubernetes.Client;

namespace Edge.Providers.Kubernetes.Crd;

/// <summary>
/// Traefik's CRD provider for ServersTransportTCP (kubernetes.go, after the TCP routes):
/// <c>tcp.serversTransports["namespace-name"]</c> (normalised) with Traefik's SetDefaults (dialTimeout
/// 30s, dialKeepAlive 15s, terminationDelay 100ms), IntOrString durations (a number is seconds),
/// proxyProtocol, and tls: serverName, insecureSkipVerify, root CAs from <c>rootCAsSecrets</c> then
/// <c>rootCAs[].secret</c> (tls.ca, else ca.crt, else a Secret's only key), client certificates from
/// <c>certificatesSecrets</c>, peerCertURI. Where Traefik logs and serves the transport without what it
/// could not read, Edge does not produce it: the services naming it are in error ("no transport
/// configuration found") rather than dialing with weaker checks. Refused by name: <c>spiffe</c>,
/// <c>peerCertSANs</c>, <c>rootCAs[].configMap</c> (as the HTTP ServersTransport).
/// </summary>
public static class ServersTransportTcpTranslator
{
    public static SortedDictionary<string, TcpServersTransport>? Translate(ClusterSnapshot snapshot, List<TranslationIssue> issues)
    {
        if (snapshot.ServersTransportTcps.Length == 0) return null;
        var result = new SortedDictionary<string, TcpServersTransport>(StringComparer.Ordinal);
        foreach (var t in snapshot.ServersTransportTcps)
        {
            var ns = t.Metadata?.NamespaceProperty ?? "default";
            var name = t.Metadata?.Name ?? "";
            try
            {
                result[Naming.Normalize(CrdNames.MakeId(ns, name))] = TranslateOne(snapshot, t.Spec, ns);
            }
            catch (CrdSpecException e)
            {
                issues.Add(new TranslationIssue("ServersTransportTCP", ns, name, e.Message + "; TCP services using it are not served"));
            }
        }
        return result;
    }

    private static TcpServersTransport TranslateOne(ClusterSnapshot snapshot, JsonElement spec, string ns)
    {
        var st = new TcpServersTransport { DialTimeout = "30s", DialKeepAlive = "15s", TerminationDelay = "100ms" };
        foreach (var (field, v) in CrdSpec.Fields(spec))
        {
            switch (field)
            {
                case "dialTimeout": st.DialTimeout = CrdSpec.Duration(v, field); break;
                case "dialKeepAlive": st.DialKeepAlive = CrdSpec.Duration(v, field); break;
                case "terminationDelay": st.TerminationDelay = CrdSpec.Duration(v, field); break;
                case "proxyProtocol":
                    st.ProxyProtocol = new TcpProxyProtocol();
                    foreach (var (pf, pv) in CrdSpec.Fields(v))
                        st.ProxyProtocol.Version = pf == "version" ? CrdSpec.Int(pv, "proxyProtocol.version") : throw new CrdSpecException($"unknown field proxyProtocol.{pf}");
                    break;
                case "tls": st.Tls = Tls(snapshot, v, ns); break;
                default: throw new CrdSpecException($"unknown field {field}");
            }
        }
        return st;
    }

    private static TcpTlsClientConfig Tls(ClusterSnapshot snapshot, JsonElement v, string ns)
    {
        var tls = new TcpTlsClientConfig();
        var rootCAs = new List<string>();
        var fromRootCAs = new List<string>();
        var certificates = new List<TlsCertificate>();
        foreach (var (field, fv) in CrdSpec.Fields(v))
        {
            var shown = "tls." + field;
            switch (field)
            {
                case "serverName": tls.ServerName = CrdSpec.String(fv, shown); break;
                case "insecureSkipVerify": tls.InsecureSkipVerify = CrdSpec.Bool(fv, shown); break;
                case "peerCertURI": tls.PeerCertUri = CrdSpec.String(fv, shown); break;
                case "rootCAsSecrets":
                    foreach (var secret in CrdSpec.Strings(fv, shown))
                        rootCAs.Add(CrdSecrets.RootCa(snapshot, ns, secret, out var error) ?? throw new CrdSpecException("Error while loading CA Secret: " + error));
                    break;
                case "rootCAs":
                    if (fv.ValueKind != JsonValueKind.Array) throw new CrdSpecException("tls.rootCAs must be a list");
                    foreach (var ca in fv.EnumerateArray()) fromRootCAs.Add(ServersTransportTranslator.RootCa(snapshot, ns, ca));
                    break;
                case "certificatesSecrets":
                    foreach (var secret in CrdSpec.Strings(fv, shown))
                    {
                        var pair = CrdSecrets.KeyPair(snapshot, ns, secret, out var error) ?? throw new CrdSpecException("Error while loading certificates: " + error);
                        certificates.Add(new TlsCertificate { CertFile = pair.Cert, KeyFile = pair.Key });
                    }
                    break;
                case "spiffe": throw new CrdSpecException("tls.spiffe is not supported by Edge (no SPIFFE workload API)");
                case "peerCertSANs": throw new CrdSpecException("tls.peerCertSANs is not supported by Edge (use peerCertURI)");
                default: throw new CrdSpecException($"unknown field {shown}");
            }
        }
        // Traefik's order: the deprecated rootCAsSecrets first, then rootCAs.
        rootCAs.AddRange(fromRootCAs);
        if (rootCAs.Count > 0) tls.RootCAs = rootCAs;
        if (certificates.Count > 0) tls.Certificates = certificates;
        return tls;
    }
}
