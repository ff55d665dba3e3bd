using System.Text.RegularExpressions;
using Edge.DataPlane.Routing.Requests;

namespace Edge.DataPlane.Routing.Rules.Matchers;

/// <summary>
/// v2 HostRegexp: a gorilla/mux host template ("{sub:[a-z]+}.example.com") compiled to an
/// anchored, case-insensitive regex over the raw Host header. Like mux, the port is ignored
/// unless the template itself mentions one.
/// </summary>
public sealed class V2HostTemplateMatcher(string template, Regex regex, bool matchPort) : RequestMatcher
{
    public string Template { get; } = template;

    public Regex Regex { get; } = regex;

    public bool MatchPort { get; } = matchPort;

    public override bool Matches(in RouteRequest request)
    {
        ReadOnlySpan<char> host = request.Host;
        if (!MatchPort)
        {
            int colon = host.IndexOf(':');
            if (colon >= 0)
            {
                host = host[..colon];
            }
        }

        return Regex.IsMatch(host);
    }
}
