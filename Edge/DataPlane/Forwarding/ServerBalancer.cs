namespace Edge.DataPlane.Forwarding;

/// <summary>
/// How a load balancer picks one of its servers: Traefik v3's <c>loadBalancer.strategy</c>
/// (<c>wrr</c>, the default, <c>p2c</c>, <c>hrw</c>, <c>leasttime</c>). Servers with a non-positive
/// weight are never picked (Traefik does not add them); a server <c>isDown</c> rejects (health
/// check) is skipped. Built once per configuration; the load counters live as long as it does.
/// </summary>
public abstract class ServerBalancer
{
    /// <summary>Traefik's BalancerStrategy values, as spelled in its dynamic configuration.</summary>
    public static readonly string[] Strategies = ["wrr", "p2c", "hrw", "leasttime"];

    protected readonly int[] Weights;
    private readonly ServerLoad[] _load;

    protected ServerBalancer(IReadOnlyList<int> weights)
    {
        Weights = weights.ToArray();
        _load = new ServerLoad[Weights.Length];
        for (int i = 0; i < _load.Length; i++) _load[i] = new ServerLoad();
    }

    /// <summary>The balancer for <paramref name="strategy"/> (null or empty: wrr); null for a value Traefik does not know.</summary>
    /// <param name="names">Each server's name (its configured URL), hashed by hrw.</param>
    /// <param name="random">p2c's random source, <c>n => [0, n)</c>; Random.Shared when null.</param>
    public static ServerBalancer? Create(string? strategy, IReadOnlyList<string> names, IReadOnlyList<int> weights, Func<int, int>? random = null) => strategy switch
    {
        null or "" or "wrr" => new WrrBalancer(weights),
        "p2c" => new PowerOfTwoChoicesBalancer(weights, random ?? Random.Shared.Next),
        "hrw" => new HighestRandomWeightBalancer(names, weights),
        "leasttime" => new LeastTimeBalancer(weights),
        _ => null,
    };

    /// <summary>False for hrw: Traefik's hrw balancer has no sticky cookie (the client's address is its stickiness).</summary>
    public virtual bool SupportsSticky => true;

    /// <summary>True when picks depend on the requests in flight and the response times (p2c, leasttime).</summary>
    public virtual bool TracksLoad => false;

    /// <summary>The index of the server for a request from <paramref name="clientIp"/>; -1 when none is available.</summary>
    public abstract int Pick(string clientIp, Func<int, bool>? isDown);

    /// <summary>The servers that may be picked now, in configuration order.</summary>
    protected List<int> Available(Func<int, bool>? isDown)
    {
        var list = new List<int>(Weights.Length);
        for (int i = 0; i < Weights.Length; i++)
            if (Weights[i] > 0 && (isDown is null || !isDown(i))) list.Add(i);
        return list;
    }

    /// <summary>The load counters of server <paramref name="i"/>.</summary>
    public ServerLoad Load(int i) => _load[i];
}

/// <summary>A server's requests in flight and its last 100 response times (time to the response headers), as Traefik's p2c and leasttime keep them.</summary>
public sealed class ServerLoad
{
    private const int SampleSize = 100;
    private long _inflight;
    private readonly double[] _samples = new double[SampleSize];
    private int _next, _count;
    private double _sum;
    private readonly object _gate = new();

    public long Inflight => Interlocked.Read(ref _inflight);
    public void Started() => Interlocked.Increment(ref _inflight);
    public void Finished() => Interlocked.Decrement(ref _inflight);

    /// <summary>Records one response time, in whole milliseconds as Traefik does.</summary>
    public void Record(TimeSpan elapsed)
    {
        double ms = Math.Floor(elapsed.TotalMilliseconds);
        lock (_gate)
        {
            if (_count < SampleSize) _count++;
            else _sum -= _samples[_next];
            _samples[_next] = ms;
            _sum += ms;
            _next = (_next + 1) % SampleSize;
        }
    }

    /// <summary>The average response time in milliseconds; 0 before the first sample.</summary>
    public double AverageMs { get { lock (_gate) return _count == 0 ? 0 : _sum / _count; } }
}

/// <summary>Traefik's wrr: smooth weighted round robin over the available servers.</summary>
public sealed class WrrBalancer(IReadOnlyList<int> weights) : ServerBalancer(weights)
{
    private readonly WeightedRoundRobin _wrr = new(weights.Select(w => Math.Max(0, w)).ToArray());

    public override int Pick(string clientIp, Func<int, bool>? isDown)
    {
        if (Weights.All(w => w > 0)) return _wrr.Pick(isDown);
        return _wrr.Pick(i => Weights[i] <= 0 || (isDown is not null && isDown(i)));
    }
}

/// <summary>
/// Traefik's p2c: two different servers drawn at random among the available ones, the one with
/// fewer requests in flight wins (the first drawn on a tie). Weights only exclude (non-positive).
/// </summary>
public sealed class PowerOfTwoChoicesBalancer(IReadOnlyList<int> weights, Func<int, int> random) : ServerBalancer(weights)
{
    private readonly object _gate = new();
    public override bool TracksLoad => true;

    public override int Pick(string clientIp, Func<int, bool>? isDown)
    {
        var healthy = Available(isDown);
        if (healthy.Count == 0) return -1;
        if (healthy.Count == 1) return healthy[0];
        int n1, n2;
        lock (_gate) { n1 = random(healthy.Count); n2 = random(healthy.Count); }
        if (n2 == n1) n2 = (n2 + 1) % healthy.Count;
        int a = healthy[n1], b = healthy[n2];
        return Load(b).Inflight < Load(a).Inflight ? b : a;
    }
}

/// <summary>
/// Traefik's hrw (rendezvous hashing): each server scores FNV-1a 64 of (client IP + server URL),
/// mapped to (0,1), as weight / -ln(score); the highest wins. The same client IP reaches the same
/// server while the set of available servers stays the same; over many clients the shares follow the weights.
/// </summary>
public sealed class HighestRandomWeightBalancer(IReadOnlyList<string> names, IReadOnlyList<int> weights) : ServerBalancer(weights)
{
    private readonly string[] _names = names.ToArray();

    public override bool SupportsSticky => false;

    public override int Pick(string clientIp, Func<int, bool>? isDown)
    {
        int best = -1;
        double bestScore = 0;
        foreach (var i in Available(isDown))
        {
            var s = Score(clientIp, _names[i], Weights[i]);
            if (s > bestScore) { best = i; bestScore = s; }
        }
        return best;
    }

    /// <summary>Traefik's getNodeScore.</summary>
    public static double Score(string source, string name, int weight)
    {
        ulong h = 14695981039346656037UL;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(source + name)) { h ^= b; h *= 1099511628211UL; }
        double score = h / Math.Pow(2, 64);
        return 1.0 / -Math.Log(score) * weight;
    }
}

/// <summary>
/// Traefik's leasttime: the lowest average response time × (1 + requests in flight) / weight;
/// servers with the same score take turns by weight (earliest-deadline-first, as Traefik breaks ties).
/// </summary>
public sealed class LeastTimeBalancer : ServerBalancer
{
    private readonly double[] _deadline;
    private double _current;
    private readonly object _gate = new();

    public LeastTimeBalancer(IReadOnlyList<int> weights) : base(weights)
    {
        _deadline = new double[Weights.Length];
        for (int i = 0; i < Weights.Length; i++)
            if (Weights[i] > 0) _deadline[i] = _current += 1.0 / Weights[i];
    }

    public override bool TracksLoad => true;

    public override int Pick(string clientIp, Func<int, bool>? isDown)
    {
        var healthy = Available(isDown);
        if (healthy.Count == 0) return -1;
        if (healthy.Count == 1) return healthy[0];
        double min = double.MaxValue;
        var candidates = new List<int>();
        foreach (var i in healthy)
        {
            var load = Load(i);
            var score = load.AverageMs * (1 + load.Inflight) / Weights[i];
            if (score < min) { min = score; candidates.Clear(); candidates.Add(i); }
            else if (score == min) candidates.Add(i);
        }
        if (candidates.Count == 1) return candidates[0];
        lock (_gate)
        {
            int selected = candidates[0];
            double earliest = double.MaxValue;
            foreach (var i in candidates)
                if (_deadline[i] < earliest) { earliest = _deadline[i]; selected = i; }
            _deadline[selected] = earliest + 1.0 / Weights[selected];
            if (_deadline[selected] > _current) _current = _deadline[selected];
            return selected;
        }
    }
}
