using System.Runtime.InteropServices;

namespace WebHooks.Storage;

/// <summary>
/// The database holds password hashes, webhook secrets and the key that signs reactivation links, so what
/// the service stores is its owner's only: files 0600, a data folder it creates 0700, whatever the umask it
/// was started with. The process umask becomes 077 (LiteDB creates and re-creates its log file itself, and
/// Kestrel creates the admin socket: a mode applied after creation would leave a window open).
/// </summary>
public static class OwnerOnlyFiles
{
    private const uint OwnerOnlyUmask = 0b000_111_111; // 077: no group, no other bits on anything created

    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>From now on, everything this process creates is its owner's only. Idempotent; nothing on Windows.</summary>
    public static void ForThisProcess()
    {
        if (OperatingSystem.IsWindows()) return;
        umask(OwnerOnlyUmask);
    }

    /// <summary>
    /// Before a database is opened: the process umask, its folder (0700 when created here; an existing folder is
    /// the operator's), and the files an earlier version may have left readable (the database, LiteDB's log,
    /// the lock file) made 0600.
    /// </summary>
    public static void PrepareDatabase(string databasePath)
    {
        ForThisProcess();
        var folder = Path.GetDirectoryName(Path.GetFullPath(databasePath))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }
        if (!Directory.Exists(folder)) Directory.CreateDirectory(folder, OwnerOnlyFolder);
        foreach (var file in FilesOf(databasePath))
        {
            if (File.Exists(file) && (File.GetUnixFileMode(file) & GroupOrOther) != 0)
                File.SetUnixFileMode(file, File.GetUnixFileMode(file) & ~GroupOrOther);
        }
    }

    /// <summary>The database file, LiteDB's log beside it (<c>name-log.ext</c>) and the process lock file.</summary>
    private static IEnumerable<string> FilesOf(string databasePath)
    {
        var full = Path.GetFullPath(databasePath);
        yield return full;
        yield return Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full) + "-log" + Path.GetExtension(full));
        yield return full + ".lock";
    }

    [DllImport("libc", SetLastError = false)]
    private static extern uint umask(uint mask);
}
