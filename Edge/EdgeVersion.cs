namespace Edge;

public static class EdgeVersion
{
    public static string Version { get; } =
        typeof(EdgeVersion).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
