using System.Text.Json;
using Edge.Configuration;
using Edge.Model;
using Edge.Providers.Files;
using Edge.Tests.EndToEnd;

namespace Edge.Tests.Providers.Files;

/// <summary>
/// The file provider's reading of Traefik's dynamic configuration (pkg/provider/file): TOML and
/// YAML alike, Traefik's defaults, names qualified @file, unknown keys named, broken files refused,
/// directories merged with the first definition of a name kept.
/// </summary>
public sealed class FileConfigLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-file-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private static FileLoad LoadFile(string path) => FileConfigLoader.Load(new FileProviderOptions { Filename = path });

    private FileLoad LoadDirectory() => FileConfigLoader.Load(new FileProviderOptions { Directory = _dir });

    private static string Json(DynamicConfig c) => JsonSerializer.Serialize(c, ModelJsonContext.Default.DynamicConfig);

    private const string Yaml = """
        http:
          routers:
            app:
              rule: Host(`app.example.com`) && PathPrefix(`/api`)
              entryPoints: [web]
              middlewares: [strip, auth@kubernetescrd]
              service: app
              priority: 10
            secure:
              rule: Host(`secure.example.com`)
              service: app@file
              tls: {}
          services:
            app:
              loadBalancer:
                servers:
                  - url: http://127.0.0.1:8081
                  - url: http://127.0.0.1:8082
          middlewares:
            strip:
              stripPrefix:
                prefixes: [/api]
            redirect:
              redirectScheme:
                scheme: https
                port: 443
                permanent: true
            auth:
              basicAuth:
                users:
                  - "test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/"
        """;

    private const string Toml = """
        [http.routers.app]
          rule = "Host(`app.example.com`) && PathPrefix(`/api`)"
          entryPoints = ["web"]
          middlewares = ["strip", "auth@kubernetescrd"]
          service = "app"
          priority = 10
        [http.routers.secure]
          rule = "Host(`secure.example.com`)"
          service = "app@file"
          [http.routers.secure.tls]
        [http.services.app.loadBalancer]
          [[http.services.app.loadBalancer.servers]]
            url = "http://127.0.0.1:8081"
          [[http.services.app.loadBalancer.servers]]
            url = "http://127.0.0.1:8082"
        [http.middlewares.strip.stripPrefix]
          prefixes = ["/api"]
        [http.middlewares.redirect.redirectScheme]
          scheme = "https"
          port = "443"
          permanent = true
        [http.middlewares.auth.basicAuth]
          users = ["test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/"]
        """;

    [Test]
    public async Task Toml_and_yaml_give_the_same_configuration()
    {
        var yaml = LoadFile(Write("dynamic.yml", Yaml));
        var toml = LoadFile(Write("dynamic.toml", Toml));
        await Assert.That(yaml.Error).IsNull();
        await Assert.That(toml.Error).IsNull();
        await Assert.That(yaml.Issues).IsEmpty();
        await Assert.That(toml.Issues).IsEmpty();
        await Assert.That(Json(toml.Config!)).IsEqualTo(Json(yaml.Config!));
        await Assert.That(yaml.Config!.Http.Middlewares["auth"].TypeName).IsEqualTo("basicAuth");
    }

    [Test]
    public async Task References_are_qualified_and_traefik_defaults_applied()
    {
        var c = LoadFile(Write("dynamic.yml", Yaml)).Config!;
        var app = c.Http.Routers["app"];
        await Assert.That(app.Service).IsEqualTo("app@file");
        await Assert.That(app.Middlewares!).IsEquivalentTo(new[] { "strip@file", "auth@kubernetescrd" });
        await Assert.That(app.Priority).IsEqualTo(10);
        // No entryPoints: the default entry points apply downstream (router left as written).
        await Assert.That(c.Http.Routers["secure"].EntryPoints).IsNull();
        await Assert.That(c.Http.Routers["secure"].Tls).IsNotNull();
        var lb = c.Http.Services["app"].LoadBalancer!;
        await Assert.That(lb.PassHostHeader).IsTrue();
        await Assert.That(lb.Strategy).IsEqualTo("wrr");
        await Assert.That(lb.ResponseForwarding!.FlushInterval).IsEqualTo("100ms");
        await Assert.That(c.Http.Middlewares["redirect"].RedirectScheme!.Port).IsEqualTo("443");
    }

    [Test]
    [Arguments("passHostHeader: false", false)]
    [Arguments("passhostheader: false", false)]
    [Arguments("PassHostHeader: \"false\"", false)]
    [Arguments("strategy: wrr", true)]
    public async Task Keys_match_case_insensitively_and_written_values_win_over_defaults(string line, bool expected)
    {
        var c = LoadFile(Write("d.yml", $"""
            http:
              services:
                s:
                  loadBalancer:
                    {line}
                    servers: [{"{"}url: "http://127.0.0.1:1"{"}"}]
            """));
        await Assert.That(c.Issues).IsEmpty();
        await Assert.That(c.Config!.Http.Services["s"].LoadBalancer!.PassHostHeader).IsEqualTo(expected);
    }

    private const string Good = "http:\n  routers:\n    good:\n      rule: Host(`g`)\n      service: s\n";

    /// <summary>Each case: a file with one element Edge cannot read fully (after <see cref="Good"/>); the problem names the file and the key, the rest is served.</summary>
    [Test]
    [Arguments("    bad:\n      rule: Host(`b`)\n      service: s\n      foo: 1\n", "http.routers.bad: foo: unknown key \"foo\"")]
    [Arguments("  services:\n    bad:\n      loadBalancer:\n        passiveHealthCheck:\n          maxFailedAttempts: 3\n", "http.services.bad: loadBalancer.passiveHealthCheck: unknown key \"passiveHealthCheck\"")]
    [Arguments("  middlewares:\n    bad:\n      compressx: {}\n", "http.middlewares.bad: compressx: unknown key \"compressx\"")]
    [Arguments("    bad:\n      rule: Host(`b`)\n      priority: high\n", "http.routers.bad: priority: expected an integer, got \"high\"")]
    [Arguments("udp:\n  routers:\n    u:\n      entryPoints: [dns]\n      rule: HostSNI(`*`)\n", "udp.routers.u: rule: unknown key \"rule\"")]
    [Arguments("  frobnicate: {}\n", "http.frobnicate: unknown key \"frobnicate\"")]
    public async Task An_unknown_key_is_named_with_its_file_and_the_rest_is_served(string extra, string expected)
    {
        var path = Write("d.yml", Good + extra);
        var load = LoadFile(path);
        await Assert.That(load.Error).IsNull();
        await Assert.That(load.Issues.Any(i => i.StartsWith(path + ": ") && i.Contains(expected))).IsTrue()
            .Because(string.Join("\n", load.Issues));
        await Assert.That(load.Config!.Http.Routers["good"].DisabledReason).IsNull();
    }

    [Test]
    public async Task A_router_with_an_unknown_key_is_kept_disabled_with_the_reason()
    {
        var path = Write("d.yml", "http:\n  routers:\n    bad:\n      rule: Host(`b`)\n      service: s\n      foo: 1\n");
        var router = LoadFile(path).Config!.Http.Routers["bad"];
        await Assert.That(router.DisabledReason!).Contains(path).And.Contains("foo");
        await Assert.That(router.Rule).IsEqualTo("Host(`b`)");
        await Assert.That(router.Service).IsEqualTo("s@file");
    }

    [Test]
    public async Task The_routers_of_a_service_left_out_are_disabled_with_its_reason()
    {
        var path = Write("d.yml", "http:\n  routers:\n    r:\n      rule: Host(`r`)\n      service: s\n  services:\n    s:\n      loadBalancer:\n        passiveHealthCheck: {maxFailedAttempts: 3}\n");
        var load = LoadFile(path);
        await Assert.That(load.Config!.Http.Services.ContainsKey("s")).IsFalse();
        await Assert.That(load.Config.Http.Routers["r"].DisabledReason!).StartsWith("service \"s@file\" is not served: " + path).And.Contains("passiveHealthCheck");
    }

    [Test]
    [Arguments("m: {}", "invalid middleware type or middleware does not exist")]
    [Arguments("m: {stripPrefix: {prefixes: [/a]}, addPrefix: {prefix: /b}}", "multi-types middleware not supported")]
    [Arguments("m: {compressx: {}}", "unknown key \"compressx\"")]
    public async Task A_middleware_edge_cannot_serve_keeps_an_error_which_fails_its_routers_closed(string middleware, string expected)
    {
        var load = LoadFile(Write("d.yml", $"http:\n  middlewares:\n    {middleware}\n"));
        await Assert.That(load.Config!.Http.Middlewares["m"].Error!).Contains(expected);
    }

    [Test]
    [Arguments("d.yml", "http:\n  routers:\n    r: [unclosed\n", "invalid YAML at line")]
    [Arguments("d.toml", "[http.routers.r]\nrule = \n", "invalid TOML at line")]
    [Arguments("d.yml", "http:\n  routers:\n    r:\n      rule: \"{{ .Host }}\"\n", "Go templates")]
    public async Task A_file_that_does_not_parse_fails_the_load_naming_the_file(string name, string text, string expected)
    {
        var path = Write(name, text);
        var load = LoadFile(path);
        await Assert.That(load.Config).IsNull();
        await Assert.That(load.Error!).StartsWith(path + ": ").And.Contains(expected);
    }

    [Test]
    public async Task A_missing_file_fails_the_load_naming_it()
    {
        var load = LoadFile(Path.Combine(_dir, "absent.yml"));
        await Assert.That(load.Config).IsNull();
        await Assert.That(load.Error!).Contains("absent.yml");
    }

    [Test]
    public async Task A_directory_merges_its_files_and_subdirectories()
    {
        Write("a.yml", "http:\n  routers:\n    r1:\n      rule: Host(`a`)\n      service: s\n  services:\n    s:\n      loadBalancer:\n        servers: [{url: 'http://127.0.0.1:1'}]\n");
        Write("sub/b.toml", "[http.routers.r2]\nrule = \"Host(`b`)\"\nservice = \"s\"\n");
        Write("notes.txt", "not read");
        // A ConfigMap mount's hidden copies are not read a second time.
        Write("..2026_01_01/a.yml", "http:\n  routers:\n    hidden:\n      rule: Host(`h`)\n      service: s\n");
        var load = LoadDirectory();
        await Assert.That(load.Error).IsNull();
        await Assert.That(load.Issues).IsEmpty();
        await Assert.That(load.Config!.Http.Routers.Keys).IsEquivalentTo(new[] { "r1", "r2" });
        await Assert.That(load.Config.Http.Routers["r2"].Service).IsEqualTo("s@file");
    }

    [Test]
    public async Task In_a_directory_the_first_definition_of_a_name_wins_and_the_later_is_skipped()
    {
        Write("a.yml", "http:\n  routers:\n    r:\n      rule: Host(`first`)\n      service: s\n");
        var later = Write("b.yml", "http:\n  routers:\n    r:\n      rule: Host(`second`)\n      service: s\n");
        var load = LoadDirectory();
        await Assert.That(load.Config!.Http.Routers["r"].Rule).IsEqualTo("Host(`first`)");
        await Assert.That(load.Issues).Contains($"{later}: HTTP router \"r\" already configured, skipping");
    }

    [Test]
    public async Task One_broken_file_fails_the_whole_directory()
    {
        Write("a.yml", "http:\n  routers:\n    r:\n      rule: Host(`a`)\n      service: s\n");
        var broken = Write("b.yml", "http: [\n");
        var load = LoadDirectory();
        await Assert.That(load.Config).IsNull();
        await Assert.That(load.Error!).StartsWith(broken);
    }

    [Test]
    public async Task Tls_certificates_are_read_from_paths_or_inline_pem()
    {
        var (cert, key) = TlsEndToEndTests.SelfSigned("one.example.com", "one.example.com");
        var certPath = Write("one.crt", cert);
        var keyPath = Write("one.key", key);
        var (cert2, key2) = TlsEndToEndTests.SelfSigned("two.example.com", "two.example.com");
        var inline = string.Join("\n", "tls:", "  certificates:",
            $"    - certFile: {certPath}", $"      keyFile: {keyPath}",
            "    - certFile: |", Indent(cert2), "      keyFile: |", Indent(key2),
            "    - certFile: /nowhere/x.crt", "      keyFile: /nowhere/x.key");
        var load = LoadFile(Write("tls.yml", inline));
        var certs = load.Config!.Tls!.Certificates;
        await Assert.That(certs.Count).IsEqualTo(2);
        await Assert.That(certs[0].CertFile).IsEqualTo(cert);
        await Assert.That(certs[1].KeyFile.Trim()).IsEqualTo(key2.Trim());
        await Assert.That(load.Issues.Single()).Contains("tls.certificates[2].certFile").And.Contains("/nowhere/x.crt");
    }

    private static string Indent(string pem) => string.Join("\n", pem.Trim().Split('\n').Select(l => "        " + l));
}
