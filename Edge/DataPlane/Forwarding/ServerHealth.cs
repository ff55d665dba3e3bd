namespace Edge.DataPlane.Forwarding;

/// <summary>
/// The up/down status of a load balancer's servers, written by its active health checker and
/// read by every pick. Servers start UP, as in Traefik. <see cref="Version"/> (shared by all
/// services) moves on every change, so that views built from the status (/api/rawdata) know
/// when to rebuild.
/// </summary>
public sealed class ServerHealth(int count)
{
    private readonly int[] _down = new int[count];
    private static long _version;

    /// <summary>Moves whenever any server of any service changes status.</summary>
    public static long Version => Volatile.Read(ref _version);

    public bool IsDown(int server) => Volatile.Read(ref _down[server]) != 0;

    /// <summary>At least one server is up (false without servers).</summary>
    public bool AnyUp
    {
        get
        {
            for (int i = 0; i < _down.Length; i++) if (Volatile.Read(ref _down[i]) == 0) return true;
            return false;
        }
    }

    /// <summary>Sets a server's status; true when it changed.</summary>
    public bool Set(int server, bool up)
    {
        var changed = Interlocked.Exchange(ref _down[server], up ? 0 : 1) != (up ? 0 : 1);
        if (changed) Interlocked.Increment(ref _version);
        return changed;
    }
}
