using System.Globalization;

namespace Edge.Configuration;

/// <summary>Parsers for option values, each failing with a <see cref="ConfigException"/> naming the option.</summary>
public static class OptionValues
{
    public static bool Bool(string option, string value) => value.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "t" => true,
        "false" or "0" or "f" => false,
        _ => throw new ConfigException(option, $"a boolean (true or false), got \"{value}\""),
    };

    public static int Int(string option, string value) =>
        int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)
            ? i : throw new ConfigException(option, $"an integer, got \"{value}\"");

    public static List<string> List(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    /// <summary>Go/Traefik durations: "2s", "100ms", "1m30s", "1h", or a bare integer meaning seconds.</summary>
    public static TimeSpan Duration(string option, string value)
    {
        if (TryDuration(value.Trim(), out var d)) return d;
        throw new ConfigException(option, $"a duration such as \"2s\", \"100ms\" or \"1m30s\", got \"{value}\"");
    }

    public static bool TryDuration(string s, out TimeSpan result)
    {
        result = TimeSpan.Zero;
        if (s.Length == 0) return false;
        if (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var secs))
        {
            // Beyond TimeSpan's range (~29,000 years) is a typo, not a duration: refuse it instead of throwing
            // (found by a helper's fuzzing on the fuzz branch).
            if (secs < 0 || secs > (long)TimeSpan.MaxValue.TotalSeconds) return false;
            result = TimeSpan.FromSeconds(secs);
            return true;
        }
        double totalMs = 0;
        int i = 0;
        while (i < s.Length)
        {
            int start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (start == i) return false;
            if (!double.TryParse(s.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var n)) return false;
            int us = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]) || (i < s.Length && s[i] == 'µ')) i++;
            double unitMs = s.Substring(us, i - us) switch
            {
                "ns" => 1e-6, "us" or "µs" => 1e-3, "ms" => 1, "s" => 1000, "m" => 60_000, "h" => 3_600_000,
                _ => double.NaN,
            };
            if (double.IsNaN(unitMs)) return false;
            totalMs += n * unitMs;
        }
        if (!(totalMs <= TimeSpan.MaxValue.TotalMilliseconds)) return false;   // also rejects NaN and infinity
        result = TimeSpan.FromMilliseconds(totalMs);
        return true;
    }

    /// <summary>Formats like Go's time.Duration.String() for the common cases ("100ms", "2s", "1m30s").</summary>
    public static string FormatDuration(TimeSpan d)
    {
        if (d == TimeSpan.Zero) return "0s";
        if (d.TotalSeconds < 1) return $"{d.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms";
        var parts = "";
        if (d.TotalHours >= 1) parts += $"{(int)d.TotalHours}h";
        if (d.TotalMinutes >= 1) parts += $"{d.Minutes}m";
        var s = d.Seconds + d.Milliseconds / 1000.0;
        return parts + $"{s.ToString(CultureInfo.InvariantCulture)}s";
    }
}
