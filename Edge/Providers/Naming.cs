using System.Security.Cryptography;
using System.Text;
using k8s.Models;

namespace Edge.Providers;

/// <summary>Traefik's names: provider.Normalize, router keys with hash suffixes, port strings.</summary>
public static class Naming
{
    /// <summary>
    /// Traefik's provider.Normalize: the runs of letters and digits joined by '-' (Go's FieldsFunc,
    /// so leading and trailing separators vanish).
    /// </summary>
    public static string Normalize(string name)
    {
        var sb = new StringBuilder(name.Length);
        bool pendingDash = false;
        foreach (var c in name)
        {
            if (char.IsLetterOrDigit(c))
            {
                if (pendingDash && sb.Length > 0) sb.Append('-');
                pendingDash = false;
                sb.Append(c);
            }
            else pendingDash = true;
        }
        return sb.ToString();
    }

    /// <summary>The port as Traefik names it: the port name, else the number.</summary>
    public static string PortString(V1ServiceBackendPort? port) =>
        string.IsNullOrEmpty(port?.Name) ? (port?.Number ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture) : port!.Name;

    /// <summary>A conflicting router key gets Go's %.10x of sha256(rule): the first 10 bytes, 20 hex digits.</summary>
    public static string WithHash(string key, string rule) =>
        key + "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(rule)))[..20];
}
