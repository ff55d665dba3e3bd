using System.Net.Security;
using System.Security.Authentication;
using Edge.Configuration;
using Edge.DataPlane.Routing.Rules;
using Edge.DataPlane.Tls;
using Edge.Model;

namespace Edge.Tests.DataPlane.Tls;

/// <summary>
/// TLS options chosen by SNI per entry point with Traefik's rules (pkg/server/router/tcp/manager.go,
/// pkg/server/aggregator.go resolveHTTPTLSOptions), and Go's names mapped to .NET.
/// </summary>
public class TlsOptionsSelectionTests
{
    private static readonly Dictionary<string, string?> NoEnv = new();

    private static DynamicConfig Config(params (string Name, string Rule, string? Options)[] routers)
    {
        var c = new DynamicConfig { Tls = new TlsConfig { Options = new(StringComparer.Ordinal) } };
        c.Tls.Options["ns-modern@kubernetescrd"] = new TlsOptions { MinVersion = "VersionTLS13" };
        c.Tls.Options["ns-mtls@kubernetescrd"] = new TlsOptions { ClientAuth = new TlsClientAuth { ClientAuthType = "RequireAnyClientCert" } };
        c.Tls.Options["ns-broken@kubernetescrd"] = new TlsOptions { CipherSuites = ["TLS_NOPE"] };
        foreach (var (name, rule, options) in routers)
            c.Http.Routers[name] = new Router { Rule = rule, Service = "svc", EntryPoints = ["websecure"], Tls = new RouterTls { Options = options } };
        return c;
    }

    private static (Dictionary<string, EntryPointTlsOptions> Tables, Dictionary<string, string> Errors) Compile(DynamicConfig c, params string[] args)
    {
        var statics = ConfigLoader.Load(["--entrypoints.websecure.address=:8443", .. args], NoEnv);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        return (TlsOptionsCompiler.Compile(c, statics, c.Http.Routers, RuleSyntax.V3, errors, ProviderNames.Kubernetes), errors);
    }

    [Test]
    [Arguments("modern.example.com", "ns-modern@kubernetescrd", true)]
    [Arguments("MODERN.example.com.", "ns-modern@kubernetescrd", true)]
    [Arguments("x.wild.example.com", "ns-mtls@kubernetescrd", true)]
    [Arguments("other.example.com", "default", true)]
    [Arguments("unknown.example.com", "default", false)]
    [Arguments("", "default", false)]
    public async Task The_server_name_picks_the_options_of_the_routers_for_that_host(string sni, string expected, bool found)
    {
        var (tables, errors) = Compile(Config(
            ("modern", "Host(`modern.example.com`) && PathPrefix(`/a`)", "ns-modern@kubernetescrd"),
            ("wild", "Host(`*.wild.example.com`)", "ns-mtls@kubernetescrd"),
            ("plain", "Host(`other.example.com`)", null)));
        await Assert.That(errors).IsEmpty();
        var chosen = tables["websecure"].Select(sni, out var hit);
        await Assert.That(chosen!.Name).IsEqualTo(expected);
        await Assert.That(hit).IsEqualTo(found);
    }

    [Test]
    public async Task A_host_under_two_different_options_falls_back_to_the_default_for_its_routers()
    {
        var (tables, _) = Compile(Config(
            ("a", "Host(`shared.example.com`) && Path(`/a`)", "ns-modern@kubernetescrd"),
            ("b", "Host(`shared.example.com`) && Path(`/b`)", "ns-mtls@kubernetescrd"),
            ("c", "PathPrefix(`/nohost`)", "ns-modern@kubernetescrd")));
        var t = tables["websecure"];
        await Assert.That(t.Select("shared.example.com", out _)!.Name).IsEqualTo("default");
        await Assert.That(t.RouterOptions["a"]).IsEqualTo("default");
        await Assert.That(t.RouterOptions["b"]).IsEqualTo("default");
        await Assert.That(t.RouterOptions["c"]).IsEqualTo("default").Because("options cannot apply to a rule without a host");
    }

    [Test]
    public async Task Options_that_do_not_compile_put_the_router_in_error_and_refuse_its_hosts_handshakes()
    {
        var (tables, errors) = Compile(Config(("bad", "Host(`bad.example.com`)", "ns-broken@kubernetescrd"), ("missing", "Host(`gone.example.com`)", "ns-gone@kubernetescrd")));
        await Assert.That(errors["bad"]).IsEqualTo("invalid TLS options ns-broken@kubernetescrd: invalid CipherSuite: TLS_NOPE");
        await Assert.That(tables["websecure"].Select("bad.example.com", out var hit)).IsNull();
        await Assert.That(hit).IsTrue();
        await Assert.That(tables["websecure"].Select("gone.example.com", out _)).IsNull();
    }

    [Test]
    public async Task The_entry_point_options_apply_to_its_routers_that_have_no_tls_section()
    {
        var c = Config();
        c.Http.Routers["own"] = new Router { Rule = "Host(`own.example.com`)", Service = "svc", Tls = new RouterTls() };
        c.Http.Routers["inherits"] = new Router { Rule = "Host(`inherits.example.com`)", Service = "svc" };
        var (tables, _) = Compile(c, "--entrypoints.websecure.http.tls.options=ns-modern@kubernetescrd");
        await Assert.That(tables["websecure"].Select("inherits.example.com", out _)!.Name).IsEqualTo("ns-modern@kubernetescrd");
        await Assert.That(tables["websecure"].Select("own.example.com", out _)!.Name).IsEqualTo("default");
    }

    [Test]
    public async Task A_default_TLSOption_replaces_Traefiks_defaults()
    {
        var c = Config(("plain", "Host(`a.example.com`)", null));
        c.Tls!.Options!["default"] = new TlsOptions { MinVersion = "VersionTLS13" };
        var (tables, _) = Compile(c);
        await Assert.That(tables["websecure"].Default!.Protocols).IsEqualTo(SslProtocols.Tls13);
        await Assert.That(tables["websecure"].Select("a.example.com", out _)!.Protocols).IsEqualTo(SslProtocols.Tls13);
    }

#pragma warning disable SYSLIB0039
    [Test]
    [Arguments(null, null, SslProtocols.Tls12 | SslProtocols.Tls13)]
    [Arguments("VersionTLS13", null, SslProtocols.Tls13)]
    [Arguments("VersionTLS10", "VersionTLS11", SslProtocols.Tls | SslProtocols.Tls11)]
    [Arguments(null, "VersionTLS12", SslProtocols.Tls12)]
    public async Task Go_version_names_map_to_a_protocol_range(string? min, string? max, SslProtocols expected) =>
        await Assert.That(GoTlsNames.Protocols(min, max)).IsEqualTo(expected);
#pragma warning restore SYSLIB0039

    [Test]
    [Arguments("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)]
    [Arguments("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256)]
    [Arguments("TLS_RSA_WITH_AES_256_GCM_SHA384", TlsCipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384)]
    [Arguments("TLS_AES_128_GCM_SHA256", TlsCipherSuite.TLS_AES_128_GCM_SHA256)]
    public async Task Go_cipher_names_map_to_dotnet_suites(string go, TlsCipherSuite expected) =>
        await Assert.That(GoTlsNames.Cipher(go)).IsEqualTo(expected);

    [Test]
    [Arguments("minVersion", "VersionTLS14", "invalid TLS minimum version: VersionTLS14")]
    [Arguments("cipher", "TLS_ECDHE_RSA_WITH_AES_128_GCM", "invalid CipherSuite: TLS_ECDHE_RSA_WITH_AES_128_GCM")]
    [Arguments("curve", "P-256", "invalid CurvePreferences: P-256")]
    [Arguments("clientAuthType", "Sometimes", "unknown client auth type Sometimes")]
    [Arguments("clientAuthType", "RequireAndVerifyClientCert", "invalid clientAuthType: RequireAndVerifyClientCert, CAFiles is required")]
    public async Task A_value_Edge_cannot_honour_is_an_error_naming_it(string field, string value, string error)
    {
        var o = field switch
        {
            "minVersion" => new TlsOptions { MinVersion = value },
            "cipher" => new TlsOptions { CipherSuites = [value] },
            "curve" => new TlsOptions { CurvePreferences = [value] },
            _ => new TlsOptions { ClientAuth = new TlsClientAuth { ClientAuthType = value } },
        };
        var e = Assert.Throws<FormatException>(() => _ = new CompiledTlsOptions("x", o));
        await Assert.That(e.Message).IsEqualTo(error);
    }

    [Test]
    [Arguments("NoClientCert", false, true, true)]
    [Arguments("RequestClientCert", true, true, true)]
    [Arguments("RequireAnyClientCert", true, false, true)]
    public async Task Client_auth_types_without_verification(string type, bool requests, bool acceptsNone, bool acceptsAny)
    {
        var o = new CompiledTlsOptions("x", new TlsOptions { ClientAuth = new TlsClientAuth { ClientAuthType = type } });
        using var self = CertificateStore.CreateDefault().TargetCertificate;
        await Assert.That(o.RequestsClientCertificate).IsEqualTo(requests);
        await Assert.That(o.AcceptsClient(null, null)).IsEqualTo(acceptsNone);
        await Assert.That(o.AcceptsClient(self, null)).IsEqualTo(acceptsAny);
    }

    [Test]
    public async Task Alpn_drops_acme_tls_and_defaults_to_h2_and_http11()
    {
        var traefikDefaults = new CompiledTlsOptions("x", new TlsOptions { AlpnProtocols = ["h2", "http/1.1", "acme-tls/1"] });
        await Assert.That(traefikDefaults.Alpn).IsEquivalentTo(new[] { SslApplicationProtocol.Http2, SslApplicationProtocol.Http11 });
        var onlyHttp11 = new CompiledTlsOptions("x", new TlsOptions { AlpnProtocols = ["http/1.1"] });
        await Assert.That(onlyHttp11.Alpn).IsEquivalentTo(new[] { SslApplicationProtocol.Http11 });
    }
}
