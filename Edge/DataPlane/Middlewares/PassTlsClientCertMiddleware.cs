using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Edge.Model;

namespace Edge.DataPlane.Middlewares;

/// <summary>
/// Traefik's passTLSClientCert: with <c>pem</c>, X-Forwarded-Tls-Client-Cert carries the client
/// certificate's DER in base64 (Traefik's PEM without its armour and newlines); with <c>info</c>,
/// X-Forwarded-Tls-Client-Cert-Info carries the selected details in Traefik's format
/// (<c>Subject="C=FR,O=Cheese";Issuer="...";SerialNumber="1";NB="..";NA="..";SAN=".."</c>),
/// query-escaped as Go's url.QueryEscape. Without a client certificate nothing is set.
/// Deviation: Kestrel exposes only the client's leaf certificate, so one certificate is passed
/// where Go would pass every certificate the client sent, comma-separated.
/// </summary>
internal sealed class PassTlsClientCertMiddleware(bool pem, TlsClientCertificateInfo? info) : HttpMiddleware
{
    public const string CertHeader = "X-Forwarded-Tls-Client-Cert";
    public const string InfoHeader = "X-Forwarded-Tls-Client-Cert-Info";

    public override ProxyHandler Wrap(ProxyHandler next) => r =>
    {
        if (r.Context.Connection.ClientCertificate is { } cert)
        {
            var headers = r.Context.Request.Headers;
            if (pem) headers[CertHeader] = Convert.ToBase64String(cert.RawData);
            if (info is not null) headers[InfoHeader] = QueryEscape(Info(info, cert));
        }
        return next(r);
    };

    /// <summary>Traefik's getCertInfo for one certificate: fields joined by ';', an empty one left out.</summary>
    internal static string Info(TlsClientCertificateInfo info, X509Certificate2 cert)
    {
        var values = new List<string>();
        if (info.Subject is { } s)
        {
            var subject = DistinguishedName.Parse(cert.SubjectName.RawData)
                .Describe(s.DomainComponent, s.Country, s.Province, s.Locality, s.Organization, s.OrganizationalUnit, s.SerialNumber, s.CommonName);
            if (subject.Length > 0) values.Add($"Subject=\"{subject}\"");
        }
        if (info.Issuer is { } i)
        {
            var issuer = DistinguishedName.Parse(cert.IssuerName.RawData)
                .Describe(i.DomainComponent, i.Country, i.Province, i.Locality, i.Organization, false, i.SerialNumber, i.CommonName);
            if (issuer.Length > 0) values.Add($"Issuer=\"{issuer}\"");
        }
        if (info.SerialNumber == true)
            values.Add($"SerialNumber=\"{new BigInteger(cert.SerialNumberBytes.Span, isUnsigned: false, isBigEndian: true)}\"");
        if (info.NotBefore == true) values.Add($"NB=\"{UnixSeconds(cert.NotBefore)}\"");
        if (info.NotAfter == true) values.Add($"NA=\"{UnixSeconds(cert.NotAfter)}\"");
        if (info.Sans == true && SubjectAltNames.Of(cert) is { Count: > 0 } sans) values.Add($"SAN=\"{string.Join(",", sans)}\"");
        return string.Join(";", values);
    }

    private static long UnixSeconds(DateTime local) => new DateTimeOffset(local.ToUniversalTime()).ToUnixTimeSeconds();

    /// <summary>Go's url.QueryEscape: unreserved characters kept, space as '+', the rest %XX (upper case).</summary>
    internal static string QueryEscape(string value)
    {
        var sb = new StringBuilder(value.Length * 2);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
                sb.Append((char)b);
            else if (b == ' ') sb.Append('+');
            else sb.Append('%').Append(b.ToString("X2"));
        }
        return sb.ToString();
    }
}
