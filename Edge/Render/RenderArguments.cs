namespace Edge.Render;

/// <summary>
/// <c>edge render</c>'s own arguments (<c>-f</c>/<c>--filename</c>, repeatable, and
/// <c>-o</c>/<c>--output</c>), separated from the rest, which are the proxy's own options and go
/// through the same <see cref="Configuration.ConfigLoader"/> as a running instance.
/// </summary>
public sealed record RenderArguments(IReadOnlyList<string> Files, string Output, IReadOnlyList<string> ProxyArgs, bool Help)
{
    /// <exception cref="RenderUsageException">on a missing value, an unknown output or no -f.</exception>
    public static RenderArguments Parse(IReadOnlyList<string> args)
    {
        var files = new List<string>();
        var output = "table";
        var rest = new List<string>();
        var help = false;
        for (int i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a is "-h" or "--help" or "help") { help = true; continue; }
            if (TryValue(args, ref i, "-f", "--filename", out var file)) { files.Add(file); continue; }
            if (TryValue(args, ref i, "-o", "--output", out var o))
            {
                output = o.ToLowerInvariant() is "table" or "json" ? o.ToLowerInvariant()
                    : throw new RenderUsageException($"invalid option -o: expected table or json, got \"{o}\"");
                continue;
            }
            rest.Add(a);
        }
        if (files.Count == 0 && !help) throw new RenderUsageException("render needs at least one -f FILE_OR_DIR (or -f - for stdin); see edge render --help");
        return new RenderArguments(files, output, rest, help);
    }

    // Accepts "-f x", "-f=x", "--filename x" and "--filename=x".
    private static bool TryValue(IReadOnlyList<string> args, ref int i, string shortName, string longName, out string value)
    {
        var a = args[i];
        foreach (var n in new[] { shortName, longName })
        {
            if (a.StartsWith(n + "=", StringComparison.Ordinal)) { value = a[(n.Length + 1)..]; return true; }
            if (a != n) continue;
            if (i + 1 >= args.Count) throw new RenderUsageException($"invalid option {n}: expected a value");
            value = args[++i];
            return true;
        }
        value = "";
        return false;
    }

    public const string Usage = """
        Usage: edge render -f FILE_OR_DIR... [--option=value ...] [-o table|json]

        Translates Kubernetes manifests offline, exactly as the running proxy would with the same options,
        and prints the routers, services and TLS certificates, then every object that was skipped and why.

          -f, --filename FILE_OR_DIR   a multi-document YAML file; a directory means every *.yaml and *.yml
                                       in it (sorted by name, not recursive); "-" reads stdin. Repeatable.
          -o, --output table|json      table (default), or json: exactly what /api/rawdata would serve
                                       (without the internal api/ping routers); skipped objects then go
                                       to stderr.
          --option=value               any option of edge --help (providers.kubernetesIngress.*,
                                       entryPoints.*, --configFile=...), from flags, file and environment
                                       as for the proxy.

        Objects without a namespace get "default". Kinds other than Ingress, IngressClass, Service,
        EndpointSlice, Secret and Node are ignored. Without EndpointSlices a Service has no servers:
        pass --providers.kubernetesIngress.allowEmptyServices=true to render its routers anyway.

        Exit codes: 0 every object translated; 1 some object was skipped (an Ingress or path not
        translated, a router whose rule does not compile, a certificate that does not parse, a YAML
        document that does not parse) so CI can fail on it; 2 bad flags or an unreadable file.

        """;
}
