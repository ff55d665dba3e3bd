using Edge.Model;
using Edge.Providers.Kubernetes.Client;

namespace Edge.Providers.Kubernetes.Crd;

/// <summary>
/// Traefik's CRD provider for TLSOption (buildTLSOptions), as a pure function: each object becomes
/// <c>tls.options["namespace-name"]</c>, except one named "default", which replaces Traefik's
/// default options (and, defined in two namespaces, is dropped: Traefik's rule). The client CAs are
/// read from the Secrets <c>clientAuth.secretNames</c> names. Edge fails closed where Traefik logs
/// and goes on: an option with a missing Secret or a field Edge does not know is not produced, so
/// its routers are in error ("unknown TLS options") instead of being served with less client auth.
/// </summary>
public static class TlsOptionTranslator
{
    /// <summary>Traefik's tls.DefaultTLSOptions.ALPNProtocols, set by Options.SetDefaults.</summary>
    public static readonly IReadOnlyList<string> DefaultAlpn = ["h2", "http/1.1", "acme-tls/1"];

    public static SortedDictionary<string, TlsOptions>? Translate(ClusterSnapshot snapshot, List<TranslationIssue> issues)
    {
        if (snapshot.TlsOptions.IsEmpty) return null;
        var result = new SortedDictionary<string, TlsOptions>(StringComparer.Ordinal);
        var defaultNamespaces = new List<string>();
        foreach (var t in snapshot.TlsOptions)
        {
            var ns = t.Metadata?.NamespaceProperty ?? "default";
            var name = t.Metadata?.Name ?? "";
            // Not normalised: Traefik's makeID for TLS options (an IngressRoute names them the same way).
            var id = name == "default" ? name : ns + "-" + name;
            if (name == "default") defaultNamespaces.Add(ns);
            try
            {
                result[id] = TranslateOne(snapshot, t, ns);
            }
            catch (CrdSpecException e)
            {
                issues.Add(new TranslationIssue("TLSOption", ns, name, e.Message + "; routers using it are not served"));
            }
        }
        if (defaultNamespaces.Count > 1)
        {
            result.Remove("default");
            issues.Add(new TranslationIssue("TLSOption", "", "default", $"Default TLS Options defined in multiple namespaces: [{string.Join(" ", defaultNamespaces)}]"));
        }
        return result;
    }

    private static TlsOptions TranslateOne(ClusterSnapshot snapshot, TraefikTlsOption t, string ns)
    {
        var o = new TlsOptions { Namespace = ns, AlpnProtocols = [.. DefaultAlpn] };
        List<string>? secretNames = null;
        string? clientAuthType = null;
        foreach (var (field, v) in CrdSpec.Fields(t.Spec))
        {
            switch (field)
            {
                case "minVersion": o.MinVersion = CrdSpec.String(v, field); break;
                case "maxVersion": o.MaxVersion = CrdSpec.String(v, field); break;
                case "cipherSuites": o.CipherSuites = CrdSpec.Strings(v, field); break;
                case "curvePreferences": o.CurvePreferences = CrdSpec.Strings(v, field); break;
                case "sniStrict": o.SniStrict = CrdSpec.Bool(v, field); break;
                case "alpnProtocols": o.AlpnProtocols = CrdSpec.Strings(v, field); break;
                case "disableSessionTickets": o.DisableSessionTickets = CrdSpec.Bool(v, field); break;
                case "preferServerCipherSuites": o.PreferServerCipherSuites = CrdSpec.Bool(v, field); break;
                case "clientAuth":
                    foreach (var (cf, cv) in CrdSpec.Fields(v))
                    {
                        if (cf == "secretNames") secretNames = CrdSpec.Strings(cv, "clientAuth.secretNames");
                        else if (cf == "clientAuthType") clientAuthType = CrdSpec.String(cv, "clientAuth.clientAuthType");
                        else throw new CrdSpecException($"unknown field clientAuth.{cf}");
                    }
                    break;
                default: throw new CrdSpecException($"unknown field {field}");
            }
        }
        var cas = new List<string>();
        foreach (var secret in secretNames ?? [])
        {
            var ca = CrdSecrets.CaBlock(snapshot, ns, secret, out var error);
            if (ca is null) throw new CrdSpecException("clientAuth: " + error);
            cas.Add(ca);
        }
        // Traefik always sets ClientAuth (a struct); it is omitted from JSON when empty.
        if (cas.Count > 0 || clientAuthType is not null)
            o.ClientAuth = new TlsClientAuth { CaFiles = cas.Count > 0 ? cas : null, ClientAuthType = clientAuthType };
        return o;
    }
}
