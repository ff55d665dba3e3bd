using Edge.Providers;
using Edge.Providers.Kubernetes.Client;
using Edge.Providers.Kubernetes.Crd;

namespace Edge.Tests.Providers.Kubernetes.Crd;

/// <summary>
/// Traefik's CRD provider for TLSOption, TLSStore and ServersTransport (buildTLSOptions,
/// buildTLSStores, the ServersTransport loop of loadConfigurationFromCRD), with cases from its
/// kubernetes_test.go fixtures (with_tls_options.yml, with_default_tls_options*.yml,
/// with_bad_tls_options.yml, with_servers_transport.yml, with_default_tls_store.yml).
/// </summary>
public class TlsCrdTranslatorTests
{
    private static ClusterSnapshot Snapshot(string yaml)
    {
        var docs = ManifestParser.Parse(yaml, "test").ToList();
        foreach (var d in docs) if (d.Error is not null) throw new InvalidOperationException(d.Error);
        return ClusterSnapshot.FromObjects(docs.Select(d => d.Object!));
    }

    // "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----", Traefik's fixture CA.
    private const string FixtureCa = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0=";

    private const string TlsOptions = $"""
        apiVersion: v1
        kind: Secret
        metadata: {"{"}name: secret-ca1, namespace: default{"}"}
        data:
          tls.ca: {FixtureCa}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {"{"}name: secret-ca2, namespace: default{"}"}
        data:
          ca.crt: {FixtureCa}
        ---
        apiVersion: traefik.io/v1alpha1
        kind: TLSOption
        metadata: {"{"}name: foo, namespace: default{"}"}
        spec:
          minVersion: VersionTLS12
          sniStrict: true
          cipherSuites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_RSA_WITH_AES_256_GCM_SHA384]
          disableSessionTickets: true
          clientAuth:
            secretNames: [secret-ca1, secret-ca2]
            clientAuthType: VerifyClientCertIfGiven
        """;

    [Test]
    public async Task TlsOption_becomes_namespace_name_with_its_CAs_and_Traefiks_default_alpn()
    {
        var issues = new List<TranslationIssue>();
        var r = TlsOptionTranslator.Translate(Snapshot(TlsOptions), issues)!;
        await Assert.That(issues).IsEmpty();
        await Assert.That(r.Keys.ToList()).IsEquivalentTo(new[] { "default-foo" });
        var o = r["default-foo"];
        await Assert.That(o.MinVersion).IsEqualTo("VersionTLS12");
        await Assert.That(o.CipherSuites).IsEquivalentTo(new[] { "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384" });
        await Assert.That(o.ClientAuth!.ClientAuthType).IsEqualTo("VerifyClientCertIfGiven");
        await Assert.That(o.ClientAuth.CaFiles!.Count).IsEqualTo(2);
        await Assert.That(o.ClientAuth.CaFiles[0]).IsEqualTo("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----");
        await Assert.That(o.SniStrict).IsTrue();
        await Assert.That(o.DisableSessionTickets).IsTrue();
        await Assert.That(o.AlpnProtocols).IsEquivalentTo(new[] { "h2", "http/1.1", "acme-tls/1" });
        await Assert.That(o.Namespace).IsEqualTo("default");
    }

    [Test]
    [Arguments("foo", "1", "default")]          // one "default" TLSOption in any namespace replaces Traefik's default
    [Arguments("foo,bar", "0", "")]             // defined in two namespaces: dropped, with an issue
    public async Task A_TLSOption_named_default_is_the_default_options(string namespaces, string expectDefault, string _)
    {
        var yaml = string.Join("\n---\n", namespaces.Split(',').Select(ns => $"""
            apiVersion: traefik.io/v1alpha1
            kind: TLSOption
            metadata: {"{"}name: default, namespace: {ns}{"}"}
            spec:
              minVersion: VersionTLS13
            """));
        var issues = new List<TranslationIssue>();
        var r = TlsOptionTranslator.Translate(Snapshot(yaml), issues)!;
        await Assert.That(r.ContainsKey("default") ? "1" : "0").IsEqualTo(expectDefault);
        await Assert.That(r.Keys.Any(k => k.EndsWith("-default", StringComparison.Ordinal))).IsFalse();
        await Assert.That(issues.Count).IsEqualTo(expectDefault == "1" ? 0 : 1);
    }

    [Test]
    [Arguments("clientAuth: {secretNames: [secret-unknown], clientAuthType: VerifyClientCertIfGiven}", "clientAuth: secret 'default/secret-unknown' not found")]
    [Arguments("clientAuth: {secretNames: [no-ca]}", "clientAuth: secret default/no-ca contains neither tls.ca nor ca.crt")]
    [Arguments("minVersion: 12", "minVersion must be a string")]
    [Arguments("ocsp: true", "unknown field ocsp")]
    public async Task A_TLSOption_Edge_cannot_build_is_left_out_with_an_issue_naming_it(string spec, string error)
    {
        var issues = new List<TranslationIssue>();
        var r = TlsOptionTranslator.Translate(Snapshot($"""
            apiVersion: v1
            kind: Secret
            metadata: {"{"}name: no-ca, namespace: default{"}"}
            data:
              other: {FixtureCa}
            ---
            apiVersion: traefik.io/v1alpha1
            kind: TLSOption
            metadata: {"{"}name: foo, namespace: default{"}"}
            spec:
              {spec}
            """), issues)!;
        await Assert.That(r.ContainsKey("default-foo")).IsFalse().Because("its routers must be in error, not served with less");
        await Assert.That(issues.Single().ToString()).IsEqualTo($"TLSOption default/foo: {error}; routers using it are not served");
    }

    private const string Transport = """
        apiVersion: v1
        kind: Secret
        metadata: {name: root-ca0, namespace: foo}
        data: {foobar: VEVTVFJPT1RDQVMw}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: root-ca1, namespace: foo}
        data: {tls.ca: VEVTVFJPT1RDQVMx}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: root-ca4, namespace: foo}
        data: {ca.crt: VEVTVFJPT1RDQVM0, tls.ca: VEVTVFJPT1RDQVM1}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: root-ca5, namespace: foo}
        data: {ca.crt: VEVTVFJPT1RDQVM2}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: mtls1, namespace: foo}
        data: {tls.crt: VEVTVENFUlQx, tls.key: VEVTVEtFWTE=}
        ---
        apiVersion: traefik.io/v1alpha1
        kind: ServersTransport
        metadata: {name: test, namespace: foo}
        spec:
          serverName: "test"
          insecureSkipVerify: true
          maxIdleConnsPerHost: 42
          disableHTTP2: true
          peerCertURI: foo://bar
          rootCAsSecrets: [root-ca0, root-ca1, root-ca4]
          rootCAs:
            - secret: root-ca5
          certificatesSecrets: [mtls1]
          forwardingTimeouts:
            dialTimeout: 42
            responseHeaderTimeout: 42s
            idleConnTimeout: 42ms
            readIdleTimeout: 42s
            pingTimeout: 42s
          cipherSuites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]
          minVersion: VersionTLS11
          maxVersion: VersionTLS12
        ---
        apiVersion: traefik.io/v1alpha1
        kind: ServersTransport
        metadata: {name: test, namespace: default}
        spec:
          serverName: "test"
        """;

    [Test]
    public async Task ServersTransport_reads_CAs_and_certificates_from_Secrets_in_Traefiks_order()
    {
        var issues = new List<TranslationIssue>();
        var r = ServersTransportTranslator.Translate(Snapshot(Transport), issues);
        await Assert.That(issues).IsEmpty();
        await Assert.That(r.Keys.ToList()).IsEquivalentTo(new[] { "default-test", "foo-test" });
        var st = r["foo-test"];
        await Assert.That(st.ServerName).IsEqualTo("test");
        await Assert.That(st.InsecureSkipVerify).IsTrue();
        // rootCAsSecrets first (a Secret with one unnamed key counts; tls.ca preferred over ca.crt), then rootCAs.
        await Assert.That(st.RootCAs).IsEquivalentTo(new[] { "TESTROOTCAS0", "TESTROOTCAS1", "TESTROOTCAS5", "TESTROOTCAS6" });
        await Assert.That(st.Certificates!.Single().CertFile).IsEqualTo("TESTCERT1");
        await Assert.That(st.Certificates!.Single().KeyFile).IsEqualTo("TESTKEY1");
        await Assert.That(st.MaxIdleConnsPerHost).IsEqualTo(42);
        await Assert.That(st.DisableHttp2).IsTrue();
        await Assert.That(st.PeerCertUri).IsEqualTo("foo://bar");
        await Assert.That(st.MinVersion).IsEqualTo("VersionTLS11");
        await Assert.That(st.ForwardingTimeouts!.DialTimeout).IsEqualTo("42s");
        await Assert.That(st.ForwardingTimeouts.ResponseHeaderTimeout).IsEqualTo("42s");
        await Assert.That(st.ForwardingTimeouts.IdleConnTimeout).IsEqualTo("42ms");
        await Assert.That(st.ForwardingTimeouts.PingTimeout).IsEqualTo("42s");
        // Traefik's ForwardingTimeouts.SetDefaults for what is not given.
        var plain = r["default-test"].ForwardingTimeouts!;
        await Assert.That((plain.DialTimeout, plain.IdleConnTimeout, plain.PingTimeout, plain.ResponseHeaderTimeout)).IsEqualTo(("30s", "90s", "15s", (string?)null));
    }

    [Test]
    [Arguments("spiffe: {trustDomain: spiffe://lol}", "spiffe is not supported by Edge (no SPIFFE workload API)")]
    [Arguments("rootCAsSecrets: [missing]", "rootCAsSecrets: secret 'default/missing' not found")]
    [Arguments("rootCAs: [{configMap: cm}]", "rootCAs.configMap is not supported by Edge (ConfigMaps are not watched); use rootCAs.secret")]
    [Arguments("rootCAs: [{configMap: cm, secret: s}]", "Error while loading CA: both Secret and ConfigMap are defined")]
    [Arguments("certificatesSecrets: [missing]", "certificatesSecrets: secret 'default/missing' does not exist")]
    [Arguments("forwardingTimeouts: {dialTimeout: soon}", "forwardingTimeouts.dialTimeout: invalid duration \"soon\"")]
    public async Task A_ServersTransport_Edge_cannot_build_is_left_out_with_an_issue_naming_it(string spec, string error)
    {
        var issues = new List<TranslationIssue>();
        var r = ServersTransportTranslator.Translate(Snapshot($"""
            apiVersion: traefik.io/v1alpha1
            kind: ServersTransport
            metadata: {"{"}name: st, namespace: default{"}"}
            spec:
              {spec}
            """), issues);
        await Assert.That(r).IsEmpty();
        await Assert.That(issues.Single().ToString()).IsEqualTo($"ServersTransport default/st: {error}; services using it are not served");
    }

    [Test]
    public async Task TLSStore_default_takes_its_default_certificate_from_a_Secret()
    {
        var issues = new List<TranslationIssue>();
        var certificates = new List<Edge.Model.CertAndStores>();
        var r = TlsStoreTranslator.Translate(Snapshot("""
            apiVersion: traefik.io/v1alpha1
            kind: TLSStore
            metadata: {name: default, namespace: foo}
            spec:
              defaultCertificate: {secretName: supersecret}
            ---
            apiVersion: traefik.io/v1alpha1
            kind: TLSStore
            metadata: {name: broken, namespace: foo}
            spec:
              defaultCertificate: {secretName: missing}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: supersecret, namespace: foo}
            data:
              tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0=
              tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCi0tLS0tRU5EIFBSSVZBVEUgS0VZLS0tLS0=
            """), certificates, issues)!;
        await Assert.That(r.Keys.ToList()).IsEquivalentTo(new[] { "default" });
        await Assert.That(r["default"].DefaultCertificate!.CertFile).IsEqualTo("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----");
        await Assert.That(r["default"].DefaultCertificate!.KeyFile).IsEqualTo("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----");
        await Assert.That(issues.Single().ToString()).IsEqualTo("TLSStore foo/broken: defaultCertificate: secret 'foo/missing' does not exist");
    }

    [Test]
    public async Task CrdBinding_puts_the_three_kinds_in_the_providers_configuration()
    {
        var output = CrdBinding.Translate(Snapshot(TlsOptions + "\n---\n" + Transport), new Edge.Configuration.CrdProviderOptions());
        await Assert.That(output.Config.Tls!.Options!.ContainsKey("default-foo")).IsTrue();
        await Assert.That(output.Config.Http.ServersTransports.ContainsKey("foo-test")).IsTrue();
    }
}
