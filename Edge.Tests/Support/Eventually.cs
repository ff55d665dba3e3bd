using System.Diagnostics;

namespace Edge.Tests.Support;

/// <summary>
/// Waits until a condition holds instead of sleeping a fixed time: a fixed sleep either wastes time
/// or, on a loaded machine, passes before the thing it waits for has happened.
/// </summary>
/// <remarks>
/// An absence check ("X did not happen") needs a barrier first: wait until something Edge does
/// only after it has processed the event (a later change applied, a connection closed, a request
/// recorded), then assert. <see cref="StaysFalseAsync"/> is for where no such barrier exists.
/// </remarks>
public static class Eventually
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string description) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, () => description);

    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string description) =>
        UntilAsync(condition, timeout, () => description);

    /// <summary><paramref name="describe"/> runs only on timeout, so it can show the state then (e.g. Edge's output).</summary>
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, describe);

    /// <param name="poll">Pause between checks (20 ms); zero where the checks themselves are the sampling.</param>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe, TimeSpan? poll = null) =>
        await UntilAsync(condition, ok => ok, timeout, _ => describe(), poll);

    /// <summary>
    /// Samples until <paramref name="accept"/> takes the value and returns it; on timeout
    /// <paramref name="describe"/> gets the last value seen. An exception from the sample ends the wait.
    /// </summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> sample, Func<T, bool> accept, TimeSpan timeout, Func<T, string> describe, TimeSpan? poll = null)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var value = await sample();
            if (accept(value)) return value;
            if (Stopwatch.GetElapsedTime(started) > timeout)
                throw new TimeoutException($"not within {timeout.TotalSeconds:0.#} s: {describe(value)}");
            if ((poll ?? Poll) > TimeSpan.Zero) await Task.Delay(poll ?? Poll);
        }
    }

    /// <summary>The first non-null result of <paramref name="find"/>.</summary>
    public static async Task<T> FoundAsync<T>(Func<T?> find, TimeSpan timeout, Func<string> describe) where T : class =>
        (await UntilAsync(() => Task.FromResult(find()), v => v is not null, timeout, _ => describe()))!;

    /// <summary>
    /// Only where no barrier exists: fails as soon as <paramref name="bad"/> holds during
    /// <paramref name="window"/>. It cannot tell a correct Edge from one that is merely slower than
    /// the window, so callers say in a comment why nothing better is available.
    /// </summary>
    public static async Task StaysFalseAsync(Func<bool> bad, TimeSpan window, string description)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            if (bad()) throw new InvalidOperationException($"after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.##} s: {description}");
            if (Stopwatch.GetElapsedTime(started) > window) return;
            await Task.Delay(Poll);
        }
    }
}
