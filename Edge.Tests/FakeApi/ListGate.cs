namespace Edge.Tests.FakeApi;

/// <summary>
/// Holds LIST responses (not watches, not discovery) until released, like an apiserver slow to
/// answer a client's initial list: the client has connected but has no objects yet. Tests use it
/// to observe a proxy in the window before its first configuration.
/// </summary>
internal sealed class ListGate
{
    private volatile TaskCompletionSource _open = Opened();
    private int _held;

    /// <summary>LIST requests that are waiting at the gate now.</summary>
    public int Held => Volatile.Read(ref _held);

    public void Hold()
    {
        if (_open.Task.IsCompleted) _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Release() => _open.TrySetResult();

    public async Task WaitAsync(CancellationToken ct)
    {
        var gate = _open.Task;
        if (gate.IsCompleted) return;
        Interlocked.Increment(ref _held);
        try { await gate.WaitAsync(ct); }
        finally { Interlocked.Decrement(ref _held); }
    }

    private static TaskCompletionSource Opened()
    {
        var t = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        t.SetResult();
        return t;
    }
}
