using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Edge.Providers.Acme;

/// <summary>An ACME account as Traefik stores it: email, registration (body and URI) and the key's DER.</summary>
public sealed record AcmeAccountRecord(string Email, string Uri, JsonNode? Body, byte[] PrivateKey);

/// <summary>A certificate as Traefik stores it: its domain (main and SANs), the PEM chain and key, and its TLS store.</summary>
public sealed record AcmeCertificateRecord(string Main, IReadOnlyList<string> Sans, string CertificatePem, string KeyPem, string Store = "default")
{
    public IReadOnlyList<string> Domains => [Main, .. Sans];
}

public sealed class AcmeStorageException(string message) : Exception(message);

/// <summary>
/// Traefik's acme.json (pkg/provider/acme/local_store.go): one object per resolver name with its
/// Account and Certificates, byte fields in standard base64 as Go marshals []byte. A file from
/// Traefik is read as is and what Edge does not know in it is kept. The file must not be readable
/// by group or others (Traefik's CheckFile refuses it the same way); it is created, and always
/// rewritten, with mode 0600, through a temporary file and a rename so that a crash never leaves half of it.
/// </summary>
public sealed class AcmeFileStore(string path) : IAcmeStore
{
    public string Description => path;
    public bool Ready => true;
    public bool MayWrite => true;
    public Edge.Security.Acme.IChallengePublisher? Challenges => null;
#pragma warning disable CS0067 // one process owns the file: nothing changes under it
    public event Action? Changed;
#pragma warning restore CS0067

    public Task SaveAsync(string resolver, AcmeAccountRecord? account, IReadOnlyList<AcmeCertificateRecord> certificates, CancellationToken ct)
    {
        Save(resolver, account, certificates);
        return Task.CompletedTask;
    }

    // Several resolvers may share one file: every read-modify-write of a path is serialised.
    private static readonly Dictionary<string, object> Locks = new(StringComparer.Ordinal);
    private readonly object _lock = LockFor(System.IO.Path.GetFullPath(path));

    public string FilePath => path;

    private static object LockFor(string full)
    {
        lock (Locks)
        {
            if (!Locks.TryGetValue(full, out var l)) Locks[full] = l = new object();
            return l;
        }
    }

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Options creating a new file readable and writable by its owner only.</summary>
    private static FileStreamOptions NewOwnerOnly()
    {
        var o = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) o.UnixCreateMode = OwnerOnly;
        return o;
    }

    /// <summary>Traefik's CheckFile: creates a missing file 0600; refuses one open to group or others.</summary>
    public void Check()
    {
        lock (_lock)
        {
            if (!File.Exists(path))
            {
                try
                {
                    using var _ = new FileStream(path, NewOwnerOnly());
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new AcmeStorageException($"unable to create {path}: {e.Message}");
                }
                return;
            }
            if (OperatingSystem.IsWindows()) return;
            var mode = File.GetUnixFileMode(path);
            var perm = (int)mode & 0x1FF;
            if ((perm & 0x3F) != 0)
                throw new AcmeStorageException($"permissions {Convert.ToString(perm, 8)} for {path} are too open, please use 600");
        }
    }

    public (AcmeAccountRecord? Account, List<AcmeCertificateRecord> Certificates) Load(string resolver)
    {
        lock (_lock)
        {
            var root = Read();
            if (root[resolver] is not JsonObject data) return (null, []);
            AcmeAccountRecord? account = null;
            if (data["Account"] is JsonObject a && a["PrivateKey"]?.GetValue<string>() is { Length: > 0 } key)
            {
                var reg = a["Registration"] as JsonObject;
                account = new AcmeAccountRecord(a["Email"]?.GetValue<string>() ?? "", reg?["uri"]?.GetValue<string>() ?? "",
                    reg?["body"]?.DeepClone(), Convert.FromBase64String(key));
            }
            var certs = new List<AcmeCertificateRecord>();
            if (data["Certificates"] is JsonArray list)
                foreach (var c in list.OfType<JsonObject>())
                {
                    var cert = c["certificate"]?.GetValue<string>() ?? "";
                    var k = c["key"]?.GetValue<string>() ?? "";
                    // Traefik deletes the certificates with no value when it reads the file.
                    if (cert.Length == 0 || k.Length == 0) continue;
                    var domain = c["domain"] as JsonObject;
                    var sans = (domain?["sans"] as JsonArray)?.Select(n => n?.GetValue<string>() ?? "").Where(n => n.Length > 0).ToList() ?? [];
                    certs.Add(new AcmeCertificateRecord(domain?["main"]?.GetValue<string>() ?? "", sans,
                        Encoding.UTF8.GetString(Convert.FromBase64String(cert)), Encoding.UTF8.GetString(Convert.FromBase64String(k)),
                        c["Store"]?.GetValue<string>() ?? "default"));
                }
            return (account, certs);
        }
    }

    public void Save(string resolver, AcmeAccountRecord? account, IReadOnlyList<AcmeCertificateRecord> certificates)
    {
        lock (_lock)
        {
            var root = Read();
            var data = root[resolver] as JsonObject ?? new JsonObject();
            root[resolver] = data;
            if (account is null) data["Account"] = null;
            else
            {
                var a = data["Account"] as JsonObject ?? new JsonObject();
                a["Email"] = account.Email;
                var reg = a["Registration"] as JsonObject ?? new JsonObject();
                reg["body"] = account.Body?.DeepClone() ?? new JsonObject { ["status"] = "valid" };
                reg["uri"] = account.Uri;
                a["Registration"] = reg;
                a["PrivateKey"] = Convert.ToBase64String(account.PrivateKey);
                data["Account"] = a;
            }
            var list = new JsonArray();
            foreach (var c in certificates)
            {
                var domain = new JsonObject { ["main"] = c.Main };
                if (c.Sans.Count > 0) domain["sans"] = new JsonArray(c.Sans.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
                list.Add((JsonNode)new JsonObject
                {
                    ["domain"] = domain,
                    ["certificate"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(c.CertificatePem)),
                    ["key"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(c.KeyPem)),
                    ["Store"] = c.Store,
                });
            }
            data["Certificates"] = list;
            Write(root);
        }
    }

    private JsonObject Read()
    {
        string text;
        try { text = File.Exists(path) ? File.ReadAllText(path) : ""; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new AcmeStorageException($"unable to read {path}: {e.Message}"); }
        if (text.Trim().Length == 0) return new JsonObject();
        try { return JsonNode.Parse(text) as JsonObject ?? throw new AcmeStorageException($"{path} is not a JSON object"); }
        catch (JsonException e) { throw new AcmeStorageException($"{path} is not valid JSON: {e.Message}"); }
    }

    private void Write(JsonObject root)
    {
        var temp = path + ".tmp";
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            root.WriteTo(w);
        var text = Encoding.UTF8.GetString(buffer.ToArray());
        try
        {
            File.Delete(temp);
            using (var f = new FileStream(temp, NewOwnerOnly()))
                f.Write(Encoding.UTF8.GetBytes(text));
            File.Move(temp, path, overwrite: true);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, OwnerOnly);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AcmeStorageException($"unable to write {path}: {e.Message}");
        }
    }
}
