using System.Runtime.InteropServices;

namespace Edge.Tests.Support;

/// <summary>POSIX signals to a child process the test started (by its PID, never a group).</summary>
public static partial class Signals
{
    public const int SIGTERM = 15;
    public const int SIGUSR1 = 10;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    public static void Terminate(int pid) => kill(pid, SIGTERM);

    public static void User1(int pid) => kill(pid, SIGUSR1);
}
