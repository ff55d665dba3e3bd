namespace Edge.Render;

/// <summary>A certificate the proxy would serve: the Secret it comes from, its DNS names and expiry.</summary>
public sealed record CertificateRow(string Secret, IReadOnlyList<string> Names, DateTime NotAfter);
