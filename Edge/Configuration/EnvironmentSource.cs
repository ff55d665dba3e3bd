namespace Edge.Configuration;

/// <summary>
/// Traefik's environment form: TRAEFIK_PROVIDERS_KUBERNETESINGRESS_NAMESPACES=a,b, and the same with
/// an EDGE_ prefix (EDGE_ wins when both name one option). Underscores separate segments; an
/// unknown TRAEFIK_/EDGE_ variable is ignored, since the environment is shared with other programs.
/// </summary>
public static class EnvironmentSource
{
    public static List<KeyValuePair<string, string>> Read(IDictionary<string, string?> environment)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var prefix in new[] { "TRAEFIK_", "EDGE_" })
        {
            foreach (var (name, value) in environment)
            {
                if (value is null || !name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
                var key = name[prefix.Length..].Replace('_', '.');
                if (OptionRegistry.Find(key, out _) is not null) result[key] = value;
            }
        }
        return result.ToList();
    }
}
