using System.Runtime.InteropServices;

namespace WebHooks.Service.Hosting;

/// <summary>
/// What the service creates is its owner's only: the process umask becomes 077 before anything is created. LiteDB
/// creates and re-creates its log file itself and Kestrel creates the admin socket, so a mode applied afterwards would
/// leave a window open. (The LiteDB adapter also creates its files 0600 and restricts old ones.)
/// </summary>
public static class OwnerOnlyUmask
{
    private const uint OwnerOnly = 0b000_111_111; // 077: no group, no other bits on anything created

    /// <summary>From now on, everything this process creates is its owner's only. Idempotent; nothing on Windows.</summary>
    public static void Apply()
    {
        if (OperatingSystem.IsWindows()) return;
        umask(OwnerOnly);
    }

    [DllImport("libc", SetLastError = false)]
    private static extern uint umask(uint mask);
}
