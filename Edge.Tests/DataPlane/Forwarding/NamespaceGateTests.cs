using Edge.DataPlane.Forwarding;
using Edge.Model;

namespace Edge.Tests.DataPlane.Forwarding;

/// <summary>The per-namespace limiter: counts, not timings (no test here depends on the clock's speed).</summary>
public class NamespaceGateTests
{
    [Test]
    public async Task A_full_bucket_admits_the_burst_then_refuses()
    {
        // 1 token per second with a burst of 5: within this test's few microseconds at most one
        // more token can arrive, so exactly 5 (or 6 on a very slow machine) are admitted.
        var gate = new NamespaceGate("t", new NamespaceLimits(1, 5, 0));
        int admitted = 0;
        for (int i = 0; i < 50; i++)
            if (gate.TryEnter() == NamespaceGate.Verdict.Admitted) { admitted++; gate.Exit(); }
        await Assert.That(admitted).IsBetween(5, 6);
        await Assert.That(gate.TryEnter()).IsEqualTo(NamespaceGate.Verdict.RateLimited);
    }

    [Test]
    public async Task Concurrency_is_counted_until_exit()
    {
        var gate = new NamespaceGate("t", new NamespaceLimits(0, 0, 2));
        await Assert.That(gate.TryEnter()).IsEqualTo(NamespaceGate.Verdict.Admitted);
        await Assert.That(gate.TryEnter()).IsEqualTo(NamespaceGate.Verdict.Admitted);
        await Assert.That(gate.TryEnter()).IsEqualTo(NamespaceGate.Verdict.TooManyInFlight);
        await Assert.That(gate.InFlight).IsEqualTo(2);
        gate.Exit();
        await Assert.That(gate.TryEnter()).IsEqualTo(NamespaceGate.Verdict.Admitted);
    }

    [Test]
    public async Task Concurrent_callers_never_exceed_the_limit()
    {
        var gate = new NamespaceGate("t", new NamespaceLimits(0, 0, 3));
        int peak = 0, current = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < 200; i++)
            {
                if (gate.TryEnter() != NamespaceGate.Verdict.Admitted) continue;
                var now = Interlocked.Increment(ref current);
                InterlockedMax(ref peak, now);
                await Task.Yield();
                Interlocked.Decrement(ref current);
                gate.Exit();
            }
        })));
        await Assert.That(peak).IsLessThanOrEqualTo(3);
        await Assert.That(gate.InFlight).IsEqualTo(0);
    }

    [Test]
    public async Task Gates_survive_a_reload_with_unchanged_limits_and_are_replaced_when_they_change()
    {
        var gates = new NamespaceGates();
        var first = gates.Update(new Dictionary<string, NamespaceLimits> { ["a"] = new(0, 0, 1), ["b"] = new(0, 0, 1) });
        await Assert.That(first["a"].TryEnter()).IsEqualTo(NamespaceGate.Verdict.Admitted);
        var second = gates.Update(new Dictionary<string, NamespaceLimits> { ["a"] = new(0, 0, 1), ["b"] = new(0, 0, 9) });
        await Assert.That(second["a"]).IsSameReferenceAs(first["a"]);
        await Assert.That(second["a"].TryEnter()).IsEqualTo(NamespaceGate.Verdict.TooManyInFlight);  // still one in flight
        await Assert.That(second["b"]).IsNotSameReferenceAs(first["b"]);
        await Assert.That(second["b"].Limits.MaxConcurrent).IsEqualTo(9);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
