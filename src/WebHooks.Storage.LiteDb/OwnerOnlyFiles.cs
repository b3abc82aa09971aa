namespace WebHooks.Storage.LiteDb;

/// <summary>
/// The database holds password hashes, webhook secrets and the link-signing key: its files are readable and writable
/// by their owner only (0600), and a folder the service creates for them is the owner's only (0700).
/// </summary>
internal static class OwnerOnlyFiles
{
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates the folder (0700) when it does not exist; an existing folder is left as its owner set it.</summary>
    public static void CreateDirectory(string path)
    {
        if (Directory.Exists(path)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, DirectoryMode);
    }

    /// <summary>Creates the file empty with mode 0600 before anything writes to it, or restricts an existing one to 0600.</summary>
    public static void Prepare(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        if (File.Exists(path))
        {
            if ((File.GetUnixFileMode(path) & ~FileMode) != 0) File.SetUnixFileMode(path, FileMode);
            return;
        }
        try
        {
            using var _ = new FileStream(path, new FileStreamOptions
            {
                Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.ReadWrite | FileShare.Delete, UnixCreateMode = FileMode,
            });
        }
        catch (IOException) when (File.Exists(path))
        {
            // created meanwhile by someone else: restrict it as above
            File.SetUnixFileMode(path, FileMode);
        }
    }
}
