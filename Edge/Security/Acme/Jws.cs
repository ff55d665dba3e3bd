using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Edge.Security.Acme;

/// <summary>
/// ACME's flattened JWS JSON serialization (RFC 8555 §6.2, RFC 7515 §7.2.2): a protected header with
/// alg, nonce, url and either the account's jwk (newAccount) or its kid (every later request).
/// </summary>
public static class Jws
{
    /// <param name="payload">The JSON payload; "" for POST-as-GET (RFC 8555 §6.3).</param>
    public static string Sign(AcmeAccountKey key, string url, string? nonce, string? kid, string payload)
    {
        var header = new StringBuilder("{\"alg\":\"").Append(key.Algorithm).Append('"');
        if (kid is null) header.Append(",\"jwk\":").Append(key.Jwk);
        else header.Append(",\"kid\":").Append(Quote(kid));
        if (nonce is not null) header.Append(",\"nonce\":").Append(Quote(nonce));
        header.Append(",\"url\":").Append(Quote(url)).Append('}');
        var protectedB64 = Base64Url.Encode(header.ToString());
        var payloadB64 = payload.Length == 0 ? "" : Base64Url.Encode(payload);
        var signature = key.Sign(Encoding.ASCII.GetBytes(protectedB64 + "." + payloadB64));
        return Flattened(protectedB64, payloadB64, Base64Url.Encode(signature));
    }

    /// <summary>
    /// The externalAccountBinding member of a newAccount request (RFC 8555 §7.3.4): the account's JWK
    /// signed with HS256 under the CA-provided key identifier and MAC key.
    /// </summary>
    public static string ExternalAccountBinding(AcmeAccountKey account, string kid, byte[] hmacKey, string newAccountUrl)
    {
        var protectedB64 = Base64Url.Encode($"{{\"alg\":\"HS256\",\"kid\":{Quote(kid)},\"url\":{Quote(newAccountUrl)}}}");
        var payloadB64 = Base64Url.Encode(account.Jwk);
        var mac = HMACSHA256.HashData(hmacKey, Encoding.ASCII.GetBytes(protectedB64 + "." + payloadB64));
        return Flattened(protectedB64, payloadB64, Base64Url.Encode(mac));
    }

    private static string Flattened(string protectedB64, string payloadB64, string signatureB64) =>
        $"{{\"protected\":\"{protectedB64}\",\"payload\":\"{payloadB64}\",\"signature\":\"{signatureB64}\"}}";

    public static string Quote(string s) => JsonEncodedText.Encode(s, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString() is var e ? "\"" + e + "\"" : "";
}
