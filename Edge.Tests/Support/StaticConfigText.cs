using System.Collections;
using System.Reflection;
using System.Text;

namespace Edge.Tests.Support;

/// <summary>
/// Every public property of a static configuration, recursively, as "path=value" lines: two
/// configurations built from different sources are the same when their texts are equal.
/// </summary>
public static class StaticConfigText
{
    public static string Of(object config)
    {
        var sb = new StringBuilder();
        Write(sb, "", config, 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, string path, object? value, int depth)
    {
        if (depth > 8) return;
        switch (value)
        {
            case null: sb.Append(path).AppendLine("=null"); return;
            case string or bool or int or long or double or TimeSpan or Enum:
                sb.Append(path).Append('=').AppendLine(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)); return;
            case IDictionary d:
                foreach (var key in d.Keys.Cast<object>().OrderBy(k => k.ToString(), StringComparer.OrdinalIgnoreCase))
                    Write(sb, $"{path}[{key.ToString()!.ToLowerInvariant()}]", d[key], depth + 1);
                return;
            case IEnumerable e:
                int i = 0;
                foreach (var item in e) Write(sb, $"{path}[{i++}]", item, depth + 1);
                sb.Append(path).Append(".count=").Append(i).AppendLine();
                return;
        }
        foreach (var p in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name))
        {
            if (p.GetIndexParameters().Length > 0 || p.Name == "ConfigFile") continue;
            Write(sb, path + "." + p.Name, p.GetValue(value), depth + 1);
        }
    }
}
