using System.Net;
using System.Text.RegularExpressions;
using Edge.DataPlane.Routing;
using Edge.DataPlane.Routing.Rules;
using Edge.GoCompat;

namespace Edge.DataPlane.Tcp;

/// <summary>What a TCP router can see of a connection before any byte is forwarded (Traefik's ConnData).</summary>
public readonly record struct TcpConnData(string ServerName, IPAddress? RemoteIp, IReadOnlyList<string> Alpn);

/// <summary>
/// A TCP router's rule (Traefik's pkg/muxer/tcp): HostSNI, HostSNIRegexp, ClientIP and ALPN
/// combined with !, &amp;&amp;, || and parentheses, in the v3 syntax (one value per matcher) or v2
/// (several values). The grammar is the HTTP rules' (<see cref="RuleParser"/>); only the matchers differ.
/// </summary>
public sealed partial class TcpRule
{
    private readonly Func<TcpConnData, bool> _match;

    private TcpRule(string text, Func<TcpConnData, bool> match, bool catchAll, List<string> hostSni)
    {
        Text = text;
        _match = match;
        IsCatchAll = catchAll;
        HostSni = hostSni;
    }

    public string Text { get; }

    /// <summary>The rule is exactly <c>HostSNI(`*`)</c>: it matches everything and yields to specific routes (Traefik's catchAll).</summary>
    public bool IsCatchAll { get; }

    /// <summary>The values of its HostSNI matchers (Traefik's ParseHostSNI), outside negations included, as Traefik counts them.</summary>
    public IReadOnlyList<string> HostSni { get; }

    public bool Matches(in TcpConnData conn) => _match(conn);

    /// <summary>Traefik's GetRulePriority: -1 for the catch-all, else the rule's length.</summary>
    public static long DefaultPriority(string rule) =>
        RuleParser.TryParseTree(rule, out var tree, out _, out _) && IsHostSniStar(tree!) ? -1 : rule.Length;

    /// <summary>Compiles <paramref name="rule"/>; null with Traefik's error text when it does not.</summary>
    public static TcpRule? Compile(string rule, bool v2, out string? error)
    {
        if (!RuleParser.TryParseTree(rule, out var tree, out _, out var parseError))
        {
            error = $"error while parsing rule {rule}: {parseError}";
            return null;
        }
        var hosts = new List<string>();
        var match = Bind(tree!, v2, hosts, out error);
        if (match is null)
        {
            error = $"error while adding rule {rule}: {error}";
            return null;
        }
        return new TcpRule(rule, match, IsHostSniStar(tree!), hosts);
    }

    private static bool IsHostSniStar(RuleNode tree) =>
        tree.Kind == RuleNodeKind.Matcher && tree.Args.Count == 1 && tree.Args[0] == "*" && tree.Name.Equals("HostSNI", StringComparison.OrdinalIgnoreCase);

    private static Func<TcpConnData, bool>? Bind(RuleNode node, bool v2, List<string> hosts, out string? error)
    {
        error = null;
        switch (node.Kind)
        {
            case RuleNodeKind.And or RuleNodeKind.Or:
                var left = Bind(node.Left!, v2, hosts, out error);
                if (left is null) return null;
                var right = Bind(node.Right!, v2, hosts, out error);
                if (right is null) return null;
                return node.Kind == RuleNodeKind.And ? c => left(c) && right(c) : c => left(c) || right(c);
            case RuleNodeKind.Not:
                var operand = Bind(node.Left!, v2, hosts, out error);
                return operand is null ? null : c => !operand(c);
        }
        var args = node.Args;
        if (args.Count == 0 || args.Any(a => a.Length == 0))
        {
            error = "empty args for matcher " + node.Name;
            return null;
        }
        if (!v2 && args.Count != 1)
        {
            error = $"unexpected number of parameters; got {args.Count}, expected 1";
            return null;
        }
        var parts = new List<Func<TcpConnData, bool>>();
        switch (node.Name)
        {
            case "HostSNI":
                foreach (var a in args)
                {
                    hosts.Add(a);
                    if (HostSniMatcher(a, out error) is not { } h) return null;
                    parts.Add(h);
                }
                break;
            case "HostSNIRegexp" when !v2:
                if (args[0].Any(ch => ch > 127)) { error = $"invalid value for HostSNIRegexp matcher, \"{args[0]}\" is not a valid hostname"; return null; }
                if (!GoRegex.TryCreate(args[0], false, out Regex? re, out var reError)) { error = "compiling HostSNIRegexp matcher: " + reError; return null; }
                parts.Add(c => re!.IsMatch(c.ServerName));
                break;
            case "ClientIP":
                var prefixes = new IpPrefix[args.Count];
                for (int i = 0; i < args.Count; i++)
                    if (!IpPrefix.TryParse(args[i], out prefixes[i], out var ipError)) { error = "initializing IP checker for ClientIP matcher: " + ipError; return null; }
                parts.Add(c => prefixes.Any(p => p.Contains(c.RemoteIp)));
                break;
            case "ALPN":
                foreach (var a in args)
                {
                    if (a == "acme-tls/1") { error = $"invalid protocol value for ALPN matcher, \"{a}\" is not allowed"; return null; }
                    parts.Add(c => c.Alpn.Contains(a));
                }
                break;
            default:
                error = node.Name == "HostSNIRegexp" ? "HostSNIRegexp in the v2 syntax is not supported by Edge" : $"unsupported function: {node.Name}";
                return null;
        }
        return parts.Count == 1 ? parts[0] : c => parts.Any(p => p(c));
    }

    private static Func<TcpConnData, bool>? HostSniMatcher(string expr, out string? error)
    {
        error = null;
        if (expr == "*") return _ => true;
        if (!HostOrIp().IsMatch(expr))
        {
            error = $"invalid value for HostSNI matcher, \"{expr}\" is not a valid hostname";
            return null;
        }
        expr = expr.TrimEnd('.');
        if (expr.StartsWith("*.", StringComparison.Ordinal))
        {
            var suffix = expr[1..];
            return c =>
            {
                int dot = c.ServerName.IndexOf('.');
                return c.ServerName.Length > 0 && dot >= 0 && c.ServerName[dot..].Equals(suffix, StringComparison.OrdinalIgnoreCase);
            };
        }
        return c => c.ServerName.Length > 0 && c.ServerName.Equals(expr, StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"^(\*\.)?[0-9A-Za-z_\.\-\:]+$")]
    private static partial Regex HostOrIp();
}
