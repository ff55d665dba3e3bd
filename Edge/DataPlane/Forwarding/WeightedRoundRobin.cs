namespace Edge.DataPlane.Forwarding;

/// <summary>
/// Smooth weighted round robin (nginx's algorithm, which Traefik's "wrr" strategy follows): each pick
/// adds every server's weight to its current score, takes the highest, and subtracts the total from
/// it. Equal weights — every Ingress backend — degenerate to a lock-free rotating index.
/// </summary>
public sealed class WeightedRoundRobin
{
    private readonly int[] _weights;
    private readonly int[] _current;
    private readonly int _total;
    private readonly bool _uniform;
    private readonly object _gate = new();
    private int _next = -1;

    public WeightedRoundRobin(IReadOnlyList<int> weights)
    {
        _weights = weights.ToArray();
        _current = new int[_weights.Length];
        _total = _weights.Sum();
        _uniform = _weights.All(w => w == _weights[0]);
    }

    public int Count => _weights.Length;

    /// <summary>The index of the next server, skipping those <paramref name="isDown"/> rejects; -1 if none.</summary>
    public int Pick(Func<int, bool>? isDown = null)
    {
        if (_weights.Length == 0) return -1;
        if (_uniform)
        {
            for (int attempt = 0; attempt < _weights.Length; attempt++)
            {
                var i = (int)((uint)Interlocked.Increment(ref _next) % (uint)_weights.Length);
                if (isDown is null || !isDown(i)) return i;
            }
            return -1;
        }
        lock (_gate)
        {
            int best = -1;
            int total = 0;
            for (int i = 0; i < _weights.Length; i++)
            {
                if (isDown is not null && isDown(i)) continue;
                _current[i] += _weights[i];
                total += _weights[i];
                if (best < 0 || _current[i] > _current[best]) best = i;
            }
            if (best >= 0) _current[best] -= total;
            return best;
        }
    }
}
