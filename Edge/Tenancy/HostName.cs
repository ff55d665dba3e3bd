using System.Globalization;

namespace Edge.Tenancy;

/// <summary>
/// The one normal form of a host name used for ownership, matching and SNI: lower case, no
/// trailing dot, non-ASCII labels in their IDNA (punycode) form. An Ingress host must then be an
/// RFC 1123 subdomain, optionally prefixed by <c>*.</c> (what the API server's validation accepts);
/// anything else is not a name and is skipped. Request hosts and SNI names are ASCII already (a
/// non-ASCII Host is answered 400), so for them the normal form is a case-insensitive comparison
/// after trimming the trailing dot, which the route table and the certificate store do on spans.
/// </summary>
public static class HostName
{
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    /// <summary>
    /// The normal form of an Ingress host (rule host or tls.hosts entry, or an allowed-hosts
    /// pattern), or null when it is not a valid name. Case and one trailing dot are tolerated
    /// (Traefik's Host matcher ignores both, so they must not make a separate claim).
    /// </summary>
    public static string? Normalize(string raw)
    {
        var host = raw;
        if (host.EndsWith('.')) host = host[..^1];
        bool wildcard = host.StartsWith("*.", StringComparison.Ordinal);
        var name = wildcard ? host[2..] : host;
        if (!System.Text.Ascii.IsValid(name))
        {
            try { name = Idn.GetAscii(name); }
            catch (ArgumentException) { return null; }
        }
        name = name.ToLowerInvariant();
        if (!IsSubdomain(name)) return null;
        return wildcard ? "*." + name : name;
    }

    /// <summary>Kubernetes' IsDNS1123Subdomain: labels [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 253 characters.</summary>
    public static bool IsSubdomain(ReadOnlySpan<char> name)
    {
        if (name.Length == 0 || name.Length > 253) return false;
        foreach (var range in name.Split('.'))
        {
            var label = name[range];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-') return false;
            foreach (char c in label)
                if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')) return false;
        }
        return true;
    }

    /// <summary>
    /// The suffix a one-label wildcard would need to cover <paramref name="host"/>: "a.example.com"
    /// for "x.a.example.com" (what <c>*.a.example.com</c> matches: exactly one more label, as the
    /// Ingress spec, certificates and Traefik's Host matcher define it). Empty when there is no dot.
    /// </summary>
    public static ReadOnlySpan<char> WildcardParent(ReadOnlySpan<char> host)
    {
        int dot = host.IndexOf('.');
        return dot <= 0 ? default : host[(dot + 1)..];
    }

    public static bool IsWildcard(string host) => host.StartsWith("*.", StringComparison.Ordinal);
}
