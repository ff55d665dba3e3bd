using System.Text;
using Edge.Configuration;

namespace Edge;

/// <summary><c>edge --help</c>: every option from the registry with its default and description.</summary>
public static class HelpText
{
    public static string Build()
    {
        var sb = new StringBuilder();
        sb.AppendLine("edge: a Traefik-compatible Kubernetes Ingress proxy.");
        sb.AppendLine();
        sb.AppendLine("Usage: edge [--option=value ...]");
        sb.AppendLine("       edge version");
        sb.AppendLine("       edge healthcheck --ping [--option=value ...]");
        sb.AppendLine("       edge render -f FILE_OR_DIR... [-o table|json] [--providers.kubernetesingress.* ...]");
        sb.AppendLine("         (translate manifests offline; exit 1 when an object was skipped, 2 on bad input)");
        sb.AppendLine();
        sb.AppendLine("Options are read from flags, then the TOML file named by --configFile, then TRAEFIK_* or EDGE_*");
        sb.AppendLine("environment variables; a flag wins over the file, the file over the environment. Names are");
        sb.AppendLine("case-insensitive; <name> stands for any entry point name.");
        sb.AppendLine();
        foreach (var o in OptionRegistry.All)
        {
            var kind = FlagParser.Describe(o.Kind);
            sb.Append("    --").Append(o.Name).Append("  (").Append(kind).Append(')').AppendLine();
            sb.Append("        ").Append(o.Description);
            if (o.Default.Length > 0) sb.Append(" (Default: \"").Append(o.Default).Append("\")");
            sb.AppendLine();
        }
        return sb.ToString();
    }
}
