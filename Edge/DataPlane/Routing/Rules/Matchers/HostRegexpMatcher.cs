using System.Buffers;
using System.Text.RegularExpressions;
using Edge.DataPlane.Routing.Requests;

namespace Edge.DataPlane.Routing.Rules.Matchers;

/// <summary>
/// v3 HostRegexp: an unanchored Go regexp matched against the canonical (lower-cased) host.
/// The host is lower-cased into a stack buffer so that matching does not allocate.
/// </summary>
public sealed class HostRegexpMatcher(string pattern, Regex regex) : RequestMatcher
{
    public string Pattern { get; } = pattern;

    public Regex Regex { get; } = regex;

    public override bool Matches(in RouteRequest request)
    {
        ReadOnlySpan<char> host = request.CanonicalHost;
        if (host.Length <= 256)
        {
            Span<char> lower = stackalloc char[host.Length];
            host.ToLowerInvariant(lower);
            return Regex.IsMatch(lower);
        }

        char[] rented = ArrayPool<char>.Shared.Rent(host.Length);
        try
        {
            Span<char> lower = rented.AsSpan(0, host.Length);
            host.ToLowerInvariant(lower);
            return Regex.IsMatch(lower);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }
}
