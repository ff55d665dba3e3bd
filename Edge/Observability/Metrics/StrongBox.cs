namespace Edge.Observability.Metrics;

/// <summary>A mutable box holding a gauge updated with Interlocked (a field, so it can be passed by ref).</summary>
public sealed class StrongBox<T>
{
    public T Value = default!;
}
