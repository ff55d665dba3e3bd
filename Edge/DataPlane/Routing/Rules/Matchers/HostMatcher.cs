using Edge.DataPlane.Routing.Requests;

namespace Edge.DataPlane.Routing.Rules.Matchers;

/// <summary>
/// Host(`x`): case-insensitive equality with the canonical request host, a trailing dot on either
/// side ignored. In v3 a leading "*" replaces exactly the first label (Traefik's
/// DomainMatchHostExpression); v2 has no wildcard.
/// </summary>
public sealed class HostMatcher : RequestMatcher
{
    public HostMatcher(string host, bool allowWildcard)
    {
        // The parser rejects empty arguments; Matches relies on a non-empty expression.
        ArgumentException.ThrowIfNullOrEmpty(host);
        Host = host;
        IsWildcard = allowWildcard && host.StartsWith('*');
    }

    public string Host { get; }

    public bool IsWildcard { get; }

    public override bool Matches(in RouteRequest request)
    {
        ReadOnlySpan<char> req = request.CanonicalHost;
        if (req.IsEmpty)
        {
            return false;
        }

        ReadOnlySpan<char> expr = Host;
        if (DomainMatch(req, expr))
        {
            return true;
        }

        if (expr[^1] == '.' && DomainMatch(req, expr[..^1]))
        {
            return true;
        }

        return req[^1] == '.' && DomainMatch(req[..^1], expr);
    }

    private bool DomainMatch(ReadOnlySpan<char> domain, ReadOnlySpan<char> expr)
    {
        if (IsWildcard && expr.Length > 0 && expr[0] == '*')
        {
            // Go: labels := Split(domain, "."); labels[0] = "*"; EqualFold(expr, Join(labels, ".")).
            int dot = domain.IndexOf('.');
            ReadOnlySpan<char> rest = dot < 0 ? [] : domain[dot..];
            return expr[1..].Equals(rest, StringComparison.OrdinalIgnoreCase);
        }

        return domain.Equals(expr, StringComparison.OrdinalIgnoreCase);
    }
}
