using Edge.Model;
using Edge.Providers.Kubernetes.Client;

namespace Edge.Providers.Kubernetes.Crd;

/// <summary>
/// Traefik's CRD provider for ServersTransport: <c>http.serversTransports["namespace-name"]</c>
/// (normalised), Traefik's forwarding timeout defaults (dial 30s, idle 90s, ping 15s), root CAs
/// from <c>rootCAsSecrets</c> and <c>rootCAs[].secret</c>, client certificates from
/// <c>certificatesSecrets</c>. Where Traefik logs and serves the transport without what it could not
/// read (a missing Secret, a bad timeout), Edge does not produce it, so the services using it are
/// in error ("servers transport not found") rather than reaching a backend with weaker checks.
/// Refused by name: <c>spiffe</c> (no SPIFFE workload API), <c>peerCertSANs</c>, <c>rootCAs[].configMap</c>
/// (Edge does not watch ConfigMaps).
/// </summary>
public static class ServersTransportTranslator
{
    public static SortedDictionary<string, ServersTransport> Translate(ClusterSnapshot snapshot, List<TranslationIssue> issues)
    {
        var result = new SortedDictionary<string, ServersTransport>(StringComparer.Ordinal);
        foreach (var t in snapshot.ServersTransports)
        {
            var ns = t.Metadata?.NamespaceProperty ?? "default";
            var name = t.Metadata?.Name ?? "";
            try
            {
                result[Naming.Normalize(ns + "-" + name)] = TranslateOne(snapshot, t, ns);
            }
            catch (CrdSpecException e)
            {
                issues.Add(new TranslationIssue("ServersTransport", ns, name, e.Message + "; services using it are not served"));
            }
        }
        return result;
    }

    private static ServersTransport TranslateOne(ClusterSnapshot snapshot, TraefikServersTransport t, string ns)
    {
        var st = new ServersTransport { Namespace = ns };
        var timeouts = new ForwardingTimeouts { DialTimeout = "30s", IdleConnTimeout = "90s", PingTimeout = "15s" };
        st.ForwardingTimeouts = timeouts;
        var rootCAs = new List<string>();
        var fromRootCAs = new List<string>();
        var certificates = new List<TlsCertificate>();
        foreach (var (field, v) in CrdSpec.Fields(t.Spec))
        {
            switch (field)
            {
                case "serverName": st.ServerName = CrdSpec.String(v, field); break;
                case "insecureSkipVerify": st.InsecureSkipVerify = CrdSpec.Bool(v, field); break;
                case "maxIdleConnsPerHost": st.MaxIdleConnsPerHost = CrdSpec.Int(v, field); break;
                case "disableHTTP2": st.DisableHttp2 = CrdSpec.Bool(v, field); break;
                case "peerCertURI": st.PeerCertUri = CrdSpec.String(v, field); break;
                case "cipherSuites": st.CipherSuites = CrdSpec.Strings(v, field); break;
                case "minVersion": st.MinVersion = CrdSpec.String(v, field); break;
                case "maxVersion": st.MaxVersion = CrdSpec.String(v, field); break;
                case "rootCAsSecrets":
                    foreach (var secret in CrdSpec.Strings(v, field))
                        rootCAs.Add(CrdSecrets.RootCa(snapshot, ns, secret, out var error) ?? throw new CrdSpecException("rootCAsSecrets: " + error));
                    break;
                case "rootCAs":
                    if (v.ValueKind != System.Text.Json.JsonValueKind.Array) throw new CrdSpecException("rootCAs must be a list");
                    foreach (var ca in v.EnumerateArray()) fromRootCAs.Add(RootCa(snapshot, ns, ca));
                    break;
                case "certificatesSecrets":
                    foreach (var secret in CrdSpec.Strings(v, field))
                    {
                        var pair = CrdSecrets.KeyPair(snapshot, ns, secret, out var error) ?? throw new CrdSpecException($"certificatesSecrets: {error}");
                        certificates.Add(new TlsCertificate { CertFile = pair.Cert, KeyFile = pair.Key });
                    }
                    break;
                case "forwardingTimeouts":
                    foreach (var (tf, tv) in CrdSpec.Fields(v))
                    {
                        var d = CrdSpec.Duration(tv, "forwardingTimeouts." + tf);
                        switch (tf)
                        {
                            case "dialTimeout": timeouts.DialTimeout = d; break;
                            case "responseHeaderTimeout": timeouts.ResponseHeaderTimeout = d; break;
                            case "idleConnTimeout": timeouts.IdleConnTimeout = d; break;
                            case "readIdleTimeout": timeouts.ReadIdleTimeout = d; break;
                            case "pingTimeout": timeouts.PingTimeout = d; break;
                            default: throw new CrdSpecException($"unknown field forwardingTimeouts.{tf}");
                        }
                    }
                    break;
                case "spiffe": throw new CrdSpecException("spiffe is not supported by Edge (no SPIFFE workload API)");
                case "peerCertSANs": throw new CrdSpecException("peerCertSANs is not supported by Edge");
                default: throw new CrdSpecException($"unknown field {field}");
            }
        }
        // Traefik's order: the deprecated rootCAsSecrets first, then rootCAs.
        rootCAs.AddRange(fromRootCAs);
        if (rootCAs.Count > 0) st.RootCAs = rootCAs;
        if (certificates.Count > 0) st.Certificates = certificates;
        return st;
    }

    internal static string RootCa(ClusterSnapshot snapshot, string ns, System.Text.Json.JsonElement ca)
    {
        string? secret = null;
        bool configMap = false;
        foreach (var (f, v) in CrdSpec.Fields(ca))
        {
            if (f == "secret") secret = CrdSpec.String(v, "rootCAs.secret");
            else if (f == "configMap") configMap = true;
            else throw new CrdSpecException($"unknown field rootCAs.{f}");
        }
        if (secret is not null && configMap) throw new CrdSpecException("Error while loading CA: both Secret and ConfigMap are defined");
        if (configMap) throw new CrdSpecException("rootCAs.configMap is not supported by Edge (ConfigMaps are not watched); use rootCAs.secret");
        if (secret is null) throw new CrdSpecException("rootCAs entry names neither a secret nor a configMap");
        return CrdSecrets.RootCa(snapshot, ns, secret, out var error) ?? throw new CrdSpecException("rootCAs: " + error);
    }
}
