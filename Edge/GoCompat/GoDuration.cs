using System.Globalization;
using System.Text;

namespace Edge.GoCompat;

/// <summary>
/// Go's time.Duration in nanoseconds: <see cref="Format"/> is Duration.String() (what Traefik
/// writes in X-Retry-In and /api/rawdata), <see cref="TryParse"/> is paerser's Duration.Set (a bare
/// integer is seconds, else time.ParseDuration), which is how Traefik reads a CRD period.
/// </summary>
internal static class GoDuration
{
    public const long Second = 1_000_000_000;

    public static string Format(long ns)
    {
        if (ns == 0) return "0s";
        bool negative = ns < 0;
        // Go works on the unsigned magnitude so that MinValue formats too.
        ulong u = negative ? (ulong)(-(ns + 1)) + 1 : (ulong)ns;
        var sb = new StringBuilder();
        if (u < 1_000_000_000)
        {
            if (u < 1_000) sb.Append(u.ToString(CultureInfo.InvariantCulture)).Append("ns");
            else if (u < 1_000_000) sb.Append(Fraction(u, 3)).Append("µs");
            else sb.Append(Fraction(u, 6)).Append("ms");
        }
        else
        {
            var seconds = Fraction(u, 9);
            ulong whole = u / 1_000_000_000;
            ulong h = whole / 3600, m = whole / 60 % 60;
            if (h > 0) sb.Append(h.ToString(CultureInfo.InvariantCulture)).Append('h');
            if (h > 0 || m > 0) sb.Append(m.ToString(CultureInfo.InvariantCulture)).Append('m');
            // Fraction printed the whole seconds too: keep only those below a minute.
            var dot = seconds.IndexOf('.');
            var secPart = (whole % 60).ToString(CultureInfo.InvariantCulture) + (dot >= 0 ? seconds[dot..] : "");
            sb.Append(secPart).Append('s');
        }
        return (negative ? "-" : "") + sb;
    }

    /// <summary><paramref name="v"/> / 10^<paramref name="precision"/> with trailing fractional zeros (and a bare point) dropped.</summary>
    private static string Fraction(ulong v, int precision)
    {
        ulong scale = 1;
        for (int i = 0; i < precision; i++) scale *= 10;
        var frac = (v % scale).ToString(CultureInfo.InvariantCulture).PadLeft(precision, '0').TrimEnd('0');
        var whole = (v / scale).ToString(CultureInfo.InvariantCulture);
        return frac.Length == 0 ? whole : whole + "." + frac;
    }

    public static bool TryParse(string s, out long ns)
    {
        ns = 0;
        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var secs))
        {
            if (secs > long.MaxValue / Second || secs < long.MinValue / Second) return false;
            ns = secs * Second;
            return true;
        }
        int i = 0;
        bool negative = false;
        if (i < s.Length && s[i] is '-' or '+') negative = s[i++] == '-';
        if (s.Length - i == 1 && s[i] == '0') return true;
        if (i == s.Length) return false;
        decimal total = 0;
        while (i < s.Length)
        {
            int start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (start == i || !decimal.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)) return false;
            int unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.') i++;
            decimal unit = s[unitStart..i] switch
            {
                "ns" => 1m, "us" or "µs" or "μs" => 1_000m, "ms" => 1_000_000m, "s" => Second,
                "m" => 60m * Second, "h" => 3600m * Second, _ => -1m,
            };
            if (unit < 0) return false;
            total += n * unit;
            if (total > long.MaxValue) return false;
        }
        ns = (long)decimal.Truncate(negative ? -total : total);
        return true;
    }
}
