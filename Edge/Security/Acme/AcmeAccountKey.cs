using System.Security.Cryptography;
using System.Text;

namespace Edge.Security.Acme;

/// <summary>
/// The key an ACME account signs its requests with (RFC 8555 §6.2): RSA (RS256) or ECDSA P-256
/// (ES256), its JWK (RFC 7517) and JWK thumbprint (RFC 7638), which key authorizations are built on.
/// Traefik stores an RSA key as PKCS#1 DER, so that is what <see cref="ExportPkcs1OrPkcs8"/> writes for RSA.
/// </summary>
public sealed class AcmeAccountKey : IDisposable
{
    private readonly RSA? _rsa;
    private readonly ECDsa? _ec;

    private AcmeAccountKey(RSA? rsa, ECDsa? ec) { _rsa = rsa; _ec = ec; }

    public static AcmeAccountKey NewRsa(int bits = 4096) => new(RSA.Create(bits), null);
    public static AcmeAccountKey NewEc256() => new(null, ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Reads Traefik's account PrivateKey: PKCS#1 RSA DER (what Traefik writes), else PKCS#8 or SEC1 EC DER.</summary>
    public static AcmeAccountKey Import(byte[] der)
    {
        try { var rsa = RSA.Create(); rsa.ImportRSAPrivateKey(der, out _); return new(rsa, null); } catch (CryptographicException) { }
        try { var rsa = RSA.Create(); rsa.ImportPkcs8PrivateKey(der, out _); return new(rsa, null); } catch (CryptographicException) { }
        try { var ec = ECDsa.Create(); ec.ImportPkcs8PrivateKey(der, out _); return new(null, ec); } catch (CryptographicException) { }
        var sec1 = ECDsa.Create();
        sec1.ImportECPrivateKey(der, out _);
        return new(null, sec1);
    }

    public byte[] ExportPkcs1OrPkcs8() => _rsa is not null ? _rsa.ExportRSAPrivateKey() : _ec!.ExportPkcs8PrivateKey();

    public string Algorithm => _rsa is not null ? "RS256" : "ES256";

    /// <summary>The public JWK with its members in lexicographic order (RFC 7638 §3.2), which is also its thumbprint input.</summary>
    public string Jwk
    {
        get
        {
            if (_rsa is not null)
            {
                var p = _rsa.ExportParameters(false);
                return $"{{\"e\":\"{Base64Url.Encode(p.Exponent!)}\",\"kty\":\"RSA\",\"n\":\"{Base64Url.Encode(p.Modulus!)}\"}}";
            }
            var q = _ec!.ExportParameters(false).Q;
            return $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{Base64Url.Encode(q.X!)}\",\"y\":\"{Base64Url.Encode(q.Y!)}\"}}";
        }
    }

    /// <summary>base64url(SHA-256(JWK)): the second half of every key authorization (RFC 8555 §8.1).</summary>
    public string Thumbprint => Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(Jwk)));

    public string KeyAuthorization(string token) => token + "." + Thumbprint;

    /// <summary>RS256 (PKCS#1 v1.5, SHA-256) or ES256 (SHA-256, r||s as JWS wants it, RFC 7518 §3.4).</summary>
    public byte[] Sign(byte[] data) => _rsa is not null
        ? _rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
        : _ec!.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public bool Verify(byte[] data, byte[] signature) => _rsa is not null
        ? _rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
        : _ec!.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public void Dispose() { _rsa?.Dispose(); _ec?.Dispose(); }
}

public static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    public static string Encode(string text) => Encode(Encoding.UTF8.GetBytes(text));

    public static byte[] Decode(string s)
    {
        var b = s.Replace('-', '+').Replace('_', '/').TrimEnd('=');
        return Convert.FromBase64String(b + new string('=', (4 - b.Length % 4) % 4));
    }
}
