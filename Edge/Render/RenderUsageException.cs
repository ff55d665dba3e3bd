namespace Edge.Render;

/// <summary>A bad <c>edge render</c> command line or an unreadable input: exit code 2.</summary>
public sealed class RenderUsageException(string message) : Exception(message);
