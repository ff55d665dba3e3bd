using Edge.Model;
using Edge.Providers.Kubernetes.Client;

namespace Edge.Providers.Kubernetes.Crd;

/// <summary>
/// Traefik's CRD provider for TLSStore (buildTLSStores): <c>tls.stores["namespace-name"]</c>, or
/// "default" for the one named so (dropped when two namespaces define it). defaultCertificate comes
/// from a Secret of the store's namespace; <c>certificates</c> add certificates to the store.
/// A store whose default certificate cannot be read is not produced (Traefik skips it too).
/// </summary>
public static class TlsStoreTranslator
{
    public static SortedDictionary<string, TlsStore>? Translate(ClusterSnapshot snapshot, List<CertAndStores> certificates, List<TranslationIssue> issues)
    {
        if (snapshot.TlsStores.IsEmpty) return null;
        var result = new SortedDictionary<string, TlsStore>(StringComparer.Ordinal);
        var defaultNamespaces = new List<string>();
        foreach (var t in snapshot.TlsStores)
        {
            var ns = t.Metadata?.NamespaceProperty ?? "default";
            var name = t.Metadata?.Name ?? "";
            var id = name == "default" ? name : ns + "-" + name;
            if (name == "default") defaultNamespaces.Add(ns);
            try
            {
                var store = new TlsStore();
                foreach (var (field, v) in CrdSpec.Fields(t.Spec))
                {
                    switch (field)
                    {
                        case "defaultCertificate":
                            var secretName = SecretName(v, "defaultCertificate");
                            var pair = CrdSecrets.KeyPair(snapshot, ns, secretName, out var error) ?? throw new CrdSpecException("defaultCertificate: " + error);
                            store.DefaultCertificate = new TlsCertificate { CertFile = pair.Cert, KeyFile = pair.Key };
                            break;
                        case "defaultGeneratedCert":
                            // ACME resolvers are not part of Edge: refused rather than silently serving another certificate.
                            throw new CrdSpecException("defaultGeneratedCert is not supported by Edge (no ACME certificate resolvers)");
                        case "certificates":
                            if (v.ValueKind != System.Text.Json.JsonValueKind.Array) throw new CrdSpecException("certificates must be a list");
                            foreach (var c in v.EnumerateArray())
                            {
                                var certSecret = SecretName(c, "certificates");
                                if (CrdSecrets.KeyPair(snapshot, ns, certSecret, out var certError) is { } kp)
                                    certificates.Add(new CertAndStores { CertFile = kp.Cert, KeyFile = kp.Key, Stores = [id], SourceSecret = ns + "/" + certSecret, Namespace = ns });
                                else
                                    issues.Add(new TranslationIssue("TLSStore", ns, name, "certificates: " + certError + ", skipping it"));
                            }
                            break;
                        default: throw new CrdSpecException($"unknown field {field}");
                    }
                }
                result[id] = store;
            }
            catch (CrdSpecException e)
            {
                issues.Add(new TranslationIssue("TLSStore", ns, name, e.Message));
            }
        }
        if (defaultNamespaces.Count > 1)
        {
            result.Remove("default");
            issues.Add(new TranslationIssue("TLSStore", "", "default", $"Default TLS Stores defined in multiple namespaces: [{string.Join(" ", defaultNamespaces)}]"));
        }
        return result;
    }

    private static string SecretName(System.Text.Json.JsonElement v, string field)
    {
        foreach (var (f, value) in CrdSpec.Fields(v))
            if (f == "secretName") return CrdSpec.String(value, field + ".secretName");
        throw new CrdSpecException($"{field}.secretName is required");
    }
}
