using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// Credentials one basicAuth middleware has already verified, so a client that sends the same
/// Authorization header on every request pays a bcrypt verification (tens of milliseconds of CPU
/// at htpasswd's default cost) once, not per request. Traefik verifies every time; at Edge's
/// request rates that would make basic auth the proxy's whole CPU budget.
/// </summary>
/// <remarks>
/// Only successes are kept, so a guesser still pays full price per try and cannot fill the cache.
/// Entries are keyed by HMAC-SHA256 of the whole Authorization value under a key drawn per
/// instance (never by the password itself), so a hit skips base64 and UTF-8 decoding as well; the
/// cache lives as long as the compiled middleware, which a configuration change (a new htpasswd
/// Secret) replaces. When it reaches <see cref="Capacity"/> it is cleared rather than evicted
/// entry by entry: simple, and bounded whatever the clients do.
/// </remarks>
internal sealed class VerifiedCredentials
{
    public const int Capacity = 4096;
    private const int MaxInput = 1024;   // longer headers are verified every time, never cached

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<Digest, string> _verified = new();

    public int Count => _verified.Count;

    /// <summary>The user of an Authorization header value verified before; keyed by the whole value, so a hit skips decoding too.</summary>
    public bool TryGet(string authorization, out string user)
    {
        user = "";
        return TryDigest(authorization, out var digest) && _verified.TryGetValue(digest, out user!);
    }

    /// <summary>Remembers that <paramref name="authorization"/> verified as <paramref name="user"/>.</summary>
    public void Add(string authorization, string user)
    {
        if (!TryDigest(authorization, out var digest)) return;
        if (_verified.Count >= Capacity) _verified.Clear();
        _verified.TryAdd(digest, user);
    }

    private bool TryDigest(string authorization, out Digest digest)
    {
        digest = default;
        if (authorization.Length > MaxInput) return false;
        Span<byte> input = stackalloc byte[Encoding.UTF8.GetMaxByteCount(authorization.Length)];
        int n = Encoding.UTF8.GetBytes(authorization, input);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, input[..n], mac);
        input.Clear();
        digest = MemoryMarshal.Read<Digest>(mac);
        return true;
    }

    private readonly record struct Digest(ulong A, ulong B, ulong C, ulong D);
}
