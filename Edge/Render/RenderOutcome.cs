using Edge.Api;

namespace Edge.Render;

/// <summary>
/// What <c>edge render</c> found: the runtime view (<see cref="RawData"/>, as /api/rawdata), the
/// certificates, the objects skipped (these make the exit code 1) and those ignored because they are
/// not for this controller (ingress class, label selector, namespaces) or of a kind Edge does not read.
/// </summary>
public sealed record RenderOutcome(
    RawData Raw,
    IReadOnlyList<CertificateRow> Certificates,
    IReadOnlyList<RenderProblem> Skipped,
    IReadOnlyList<RenderProblem> Ignored,
    IReadOnlyDictionary<string, int> IgnoredKinds,
    IReadOnlySet<string> TlsEntryPoints);
