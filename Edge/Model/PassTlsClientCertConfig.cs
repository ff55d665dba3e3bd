using System.Text.Json.Serialization;

namespace Edge.Model;

/// <summary>Traefik's dynamic.PassTLSClientCert: the PEM and/or selected details of the client certificate, to the backend.</summary>
public sealed class PassTlsClientCertConfig
{
    [JsonPropertyName("pem")] public bool? Pem { get; set; }
    [JsonPropertyName("info")] public TlsClientCertificateInfo? Info { get; set; }
}

/// <summary>Traefik's dynamic.TLSClientCertificateInfo.</summary>
public sealed class TlsClientCertificateInfo
{
    [JsonPropertyName("notAfter")] public bool? NotAfter { get; set; }
    [JsonPropertyName("notBefore")] public bool? NotBefore { get; set; }
    [JsonPropertyName("sans")] public bool? Sans { get; set; }
    [JsonPropertyName("serialNumber")] public bool? SerialNumber { get; set; }
    [JsonPropertyName("subject")] public TlsClientCertificateDnInfo? Subject { get; set; }
    [JsonPropertyName("issuer")] public TlsClientCertificateIssuerDnInfo? Issuer { get; set; }
}

/// <summary>Traefik's dynamic.TLSClientCertificateSubjectDNInfo.</summary>
public sealed class TlsClientCertificateDnInfo
{
    [JsonPropertyName("country")] public bool? Country { get; set; }
    [JsonPropertyName("province")] public bool? Province { get; set; }
    [JsonPropertyName("locality")] public bool? Locality { get; set; }
    [JsonPropertyName("organization")] public bool? Organization { get; set; }
    [JsonPropertyName("organizationalUnit")] public bool? OrganizationalUnit { get; set; }
    [JsonPropertyName("commonName")] public bool? CommonName { get; set; }
    [JsonPropertyName("serialNumber")] public bool? SerialNumber { get; set; }
    [JsonPropertyName("domainComponent")] public bool? DomainComponent { get; set; }
}

/// <summary>Traefik's dynamic.TLSClientCertificateIssuerDNInfo: the subject's fields without organizationalUnit.</summary>
public sealed class TlsClientCertificateIssuerDnInfo
{
    [JsonPropertyName("country")] public bool? Country { get; set; }
    [JsonPropertyName("province")] public bool? Province { get; set; }
    [JsonPropertyName("locality")] public bool? Locality { get; set; }
    [JsonPropertyName("organization")] public bool? Organization { get; set; }
    [JsonPropertyName("commonName")] public bool? CommonName { get; set; }
    [JsonPropertyName("serialNumber")] public bool? SerialNumber { get; set; }
    [JsonPropertyName("domainComponent")] public bool? DomainComponent { get; set; }
}
