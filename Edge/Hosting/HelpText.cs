using System.Text;
using Edge.Configuration;

namespace Edge.Hosting;

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
        sb.AppendLine("       edge render -f FILE_OR_DIR... [--option=value ...] [-o table|json]");
        sb.AppendLine("           translate manifests offline; exit 0 all translated, 1 some object skipped, 2 bad flags");
        sb.AppendLine("           or unreadable file (edge render --help for details)");
        sb.AppendLine();
        sb.AppendLine("Options are read from flags, then the TOML or YAML file named by --configFile, then TRAEFIK_* or EDGE_*");
        sb.AppendLine("environment variables; a flag wins over the file, the file over the environment. Names are");
        sb.AppendLine("case-insensitive; <name> stands for any entry point name.");
        sb.AppendLine();
        sb.AppendLine("Options marked [Edge] are Edge's own; every other option is Traefik's, with Traefik's meaning.");
        foreach (var section in OptionCatalog.BySection())
        {
            sb.AppendLine();
            sb.Append(section.Key).AppendLine(":");
            foreach (var o in section)
            {
                var kind = FlagParser.Describe(o.Kind);
                sb.Append("    --").Append(o.Name).Append("  (").Append(kind).Append(')');
                if (OptionCatalog.IsEdgeOwn(o)) sb.Append("  [Edge]");
                sb.AppendLine();
                sb.Append("        ").Append(o.Description);
                if (o.Default.Length > 0) sb.Append(" (Default: \"").Append(o.Default).Append("\")");
                sb.AppendLine();
            }
        }
        return sb.ToString();
    }
}
