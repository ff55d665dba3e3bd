namespace Edge.Tests.Support;

/// <summary>
/// Waits until a condition holds instead of sleeping a fixed time: a fixed sleep either wastes time
/// or, on a loaded machine, passes before the thing it waits for has happened.
/// </summary>
public static class Eventually
{
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string description)
    {
        await UntilAsync(() => Task.FromResult(condition()), timeout, description);
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string description)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not within {timeout.TotalSeconds:0.#} s: {description}");
            await Task.Delay(20);
        }
    }
}
