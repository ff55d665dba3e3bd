using System.Text;
using System.Text.Json;

namespace Edge.Observability.Logging;

public enum LogLevel { Trace = 0, Debug = 1, Info = 2, Warn = 3, Error = 4, Fatal = 5, Off = 6 }

/// <summary>
/// Edge's process log: one line per event, Traefik's level names, <c>common</c> or <c>json</c>
/// format. Kubernetes objects are named in a <c>namespace/name</c> field so that a tenant's
/// events can be found (and filtered) by the object. Writes are serialised with a lock; logging
/// is never on the request path below debug level.
/// </summary>
public static class Log
{
    private static readonly object Gate = new();
    public static LogLevel Level { get; set; } = LogLevel.Error;
    public static bool Json { get; set; }
    public static TextWriter Output { get; set; } = Console.Out;

    public static LogLevel Parse(string level) => level.ToUpperInvariant() switch
    {
        "TRACE" => LogLevel.Trace, "DEBUG" => LogLevel.Debug, "INFO" => LogLevel.Info,
        "WARN" => LogLevel.Warn, "ERROR" => LogLevel.Error, "FATAL" or "PANIC" => LogLevel.Fatal,
        _ => LogLevel.Error,
    };

    public static bool IsEnabled(LogLevel l) => l >= Level;

    public static void Debug(string msg, params (string Key, object? Value)[] fields) => Write(LogLevel.Debug, msg, fields);
    public static void Info(string msg, params (string Key, object? Value)[] fields) => Write(LogLevel.Info, msg, fields);
    public static void Warn(string msg, params (string Key, object? Value)[] fields) => Write(LogLevel.Warn, msg, fields);
    public static void Error(string msg, params (string Key, object? Value)[] fields) => Write(LogLevel.Error, msg, fields);

    public static void Write(LogLevel level, string msg, (string Key, object? Value)[] fields)
    {
        if (level < Level) return;
        var now = DateTimeOffset.UtcNow;
        string line;
        if (Json)
        {
            using var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms))
            {
                w.WriteStartObject();
                w.WriteString("level", LevelName(level).ToLowerInvariant());
                foreach (var (k, v) in fields) w.WriteString(k, v?.ToString());
                w.WriteString("time", now.ToString("yyyy-MM-ddTHH:mm:ssZ"));
                w.WriteString("message", msg);
                w.WriteEndObject();
            }
            line = Encoding.UTF8.GetString(ms.ToArray());
        }
        else
        {
            var sb = new StringBuilder();
            sb.Append(now.ToString("yyyy-MM-ddTHH:mm:ssZ")).Append(' ').Append(LevelShort(level)).Append(' ').Append(msg);
            foreach (var (k, v) in fields)
            {
                var s = v?.ToString() ?? "";
                sb.Append(' ').Append(k).Append('=');
                if (s.Contains(' ') || s.Contains('"')) sb.Append('"').Append(s.Replace("\"", "\\\"")).Append('"');
                else sb.Append(s);
            }
            line = sb.ToString();
        }
        lock (Gate)
        {
            Output.WriteLine(line);
            Output.Flush();
        }
    }

    private static string LevelName(LogLevel l) => l switch
    {
        LogLevel.Trace => "TRACE", LogLevel.Debug => "DEBUG", LogLevel.Info => "INFO",
        LogLevel.Warn => "WARN", LogLevel.Error => "ERROR", _ => "FATAL",
    };

    private static string LevelShort(LogLevel l) => l switch
    {
        LogLevel.Trace => "TRC", LogLevel.Debug => "DBG", LogLevel.Info => "INF",
        LogLevel.Warn => "WRN", LogLevel.Error => "ERR", _ => "FTL",
    };
}
