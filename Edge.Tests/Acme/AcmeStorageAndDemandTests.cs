using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Configuration;
using Edge.DataPlane.Routing.Rules;
using Edge.Hosting;
using Edge.Model;
using Edge.Providers.Acme;

namespace Edge.Tests.Acme;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class AcmeStorageAndDemandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-acme-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (string Cert, string Key) SelfSigned(string name)
    {
        using var k = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=" + name, k, HashAlgorithmName.SHA256);
        using var c = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(90));
        return (c.ExportCertificatePem() + "\n", k.ExportECPrivateKeyPem() + "\n");
    }

    /// <summary>A file the way Traefik writes it (Go's json.MarshalIndent of map[string]*StoredData), with a field Edge does not know.</summary>
    private string TraefikFile(string cert, string key)
    {
        using var rsa = RSA.Create(2048);
        var path = Path.Combine(_dir, "acme.json");
        var text = $$"""
            {
              "le": {
                "Account": {
                  "Email": "ops@example.com",
                  "Registration": { "body": { "status": "valid", "contact": ["mailto:ops@example.com"] }, "uri": "https://acme.test/acct/1" },
                  "PrivateKey": "{{Convert.ToBase64String(rsa.ExportRSAPrivateKey())}}",
                  "KeyType": "4096"
                },
                "Certificates": [
                  { "domain": { "main": "app.example", "sans": ["www.app.example"] }, "certificate": "{{Convert.ToBase64String(Encoding.UTF8.GetBytes(cert))}}",
                    "key": "{{Convert.ToBase64String(Encoding.UTF8.GetBytes(key))}}", "Store": "default" },
                  { "domain": { "main": "empty.example" }, "certificate": "", "key": "", "Store": "default" }
                ]
              },
              "other": { "Account": null, "Certificates": null }
            }
            """;
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    [Test]
    public async Task A_traefik_acme_json_is_read_and_written_back_in_its_format_with_mode_0600()
    {
        var (cert, key) = SelfSigned("app.example");
        var path = TraefikFile(cert, key);
        var store = new AcmeFileStore(path);
        store.Check();
        var (account, certs) = store.Load("le");
        await Assert.That(account!.Uri).IsEqualTo("https://acme.test/acct/1");
        await Assert.That(account.Email).IsEqualTo("ops@example.com");
        await Assert.That(certs.Count).IsEqualTo(1);   // the empty one is dropped, as Traefik does
        await Assert.That(certs[0].Domains).IsEquivalentTo(new[] { "app.example", "www.app.example" });
        await Assert.That(certs[0].CertificatePem).IsEqualTo(cert);
        using (var k = Edge.Security.Acme.AcmeAccountKey.Import(account.PrivateKey)) await Assert.That(k.Algorithm).IsEqualTo("RS256");

        var (cert2, key2) = SelfSigned("new.example");
        store.Save("le", account, [.. certs, new AcmeCertificateRecord("new.example", [], cert2, key2)]);
        await Assert.That(File.GetUnixFileMode(path)).IsEqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        await Assert.That(json["le"]!["Account"]!["KeyType"]!.GetValue<string>()).IsEqualTo("4096");   // kept
        await Assert.That(json["other"]).IsNotNull();                                                   // the other resolver is kept
        await Assert.That(json["le"]!["Account"]!["Registration"]!["body"]!["contact"]![0]!.GetValue<string>()).IsEqualTo("mailto:ops@example.com");
        var written = json["le"]!["Certificates"]![1]!;
        await Assert.That(written["domain"]!["main"]!.GetValue<string>()).IsEqualTo("new.example");
        await Assert.That(Encoding.UTF8.GetString(Convert.FromBase64String(written["certificate"]!.GetValue<string>()))).IsEqualTo(cert2);
        await Assert.That(written["Store"]!.GetValue<string>()).IsEqualTo("default");
        var (_, again) = new AcmeFileStore(path).Load("le");
        await Assert.That(again.Select(c => c.Main)).IsEquivalentTo(new[] { "app.example", "new.example" });
    }

    [Test]
    public async Task A_file_open_to_others_is_refused_with_traefiks_text_and_a_missing_one_is_created_0600()
    {
        var path = Path.Combine(_dir, "loose.json");
        File.WriteAllText(path, "{}");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var e = Assert.Throws<AcmeStorageException>(() => new AcmeFileStore(path).Check());
        await Assert.That(e.Message).IsEqualTo($"permissions 644 for {path} are too open, please use 600");
        var fresh = Path.Combine(_dir, "fresh.json");
        new AcmeFileStore(fresh).Check();
        await Assert.That(File.GetUnixFileMode(fresh)).IsEqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Test]
    [Arguments(2160, 30 * 24)]
    [Arguments(24 * 365, 120 * 24)]
    [Arguments(24 * 30, 10 * 24)]
    [Arguments(24 * 7, 2 * 24)]
    [Arguments(24, 6)]
    [Arguments(1, 0)]
    public async Task Renewal_starts_at_traefiks_period_before_expiry(int durationHours, int renewHours)
    {
        var (period, _) = RenewalPolicy.For(durationHours);
        var expected = renewHours == 0 ? TimeSpan.FromMinutes(20) : TimeSpan.FromHours(renewHours);
        await Assert.That(period).IsEqualTo(expected);
        var now = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        await Assert.That(RenewalPolicy.IsDue(now + expected - TimeSpan.FromMinutes(1), now, durationHours)).IsTrue();
        await Assert.That(RenewalPolicy.IsDue(now + expected + TimeSpan.FromMinutes(1), now, durationHours)).IsFalse();
    }

    [Test]
    public async Task Domains_come_from_tls_domains_else_the_rule_hosts_else_the_entry_point()
    {
        var statics = ConfigLoader.Load(["--entrypoints.web.address=:80", "--entrypoints.websecure.address=:443",
            "--certificatesresolvers.le.acme.tlschallenge=true", "--entrypoints.websecure.http.tls.certresolver=le",
            "--entrypoints.websecure.http.tls.domains[0].main=ep.example"], new Dictionary<string, string?>());
        var config = new DynamicConfig();
        config.Http.Routers["hosts"] = new Router { Rule = "Host(`A.example`) || (Host(`b.example.`) && PathPrefix(`/x`)) || !Host(`not.example`)", Service = "s", EntryPoints = ["web"], Tls = new RouterTls { CertResolver = "le" } };
        config.Http.Routers["domains"] = new Router { Rule = "Host(`ignored.example`)", Service = "s", EntryPoints = ["web"],
            Tls = new RouterTls { CertResolver = "le", Domains = [new TlsDomain { Main = "main.example", Sans = ["san.example"] }, new TlsDomain { Main = "*.wild.example" }] } };
        config.Http.Routers["same"] = new Router { Rule = "Host(`b.example`) || Host(`a.example`)", Service = "s", EntryPoints = ["web"], Tls = new RouterTls { CertResolver = "le" } };
        config.Http.Routers["other"] = new Router { Rule = "Host(`o.example`)", Service = "s", EntryPoints = ["web"], Tls = new RouterTls { CertResolver = "other" } };
        config.Http.Routers["ep"] = new Router { Rule = "Host(`x.example`)", Service = "s", EntryPoints = ["websecure"] };
        config.Http.Routers["disabled"] = new Router { Rule = "Host(`d.example`)", Service = "s", EntryPoints = ["web"], Tls = new RouterTls { CertResolver = "le" }, DisabledReason = "tenancy" };
        var sets = CertificateDemand.For("le", config, statics, r => AcmeWiring.HostsOf(r, RuleSyntax.V3));
        var shown = sets.Select(s => string.Join(",", s.Domains) + " <- " + string.Join(",", s.Routers)).Order().ToList();
        await Assert.That(shown).IsEquivalentTo(new[]
        {
            "*.wild.example <- domains@kubernetes",
            "a.example,b.example <- hosts@kubernetes,same@kubernetes",
            "ep.example <- ep@kubernetes",
            "main.example,san.example <- domains@kubernetes",
        });
        await Assert.That(sets.Single(s => s.Domains[0] == "*.wild.example").HasWildcard).IsTrue();
    }
}
