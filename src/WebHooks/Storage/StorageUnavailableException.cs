namespace WebHooks.Storage;

/// <summary>
/// The store cannot take writes or answer now (disk full, database unreachable). Nothing was stored by the failed call;
/// the store recovers by itself. Web endpoints answer 503 with a JSON error.
/// </summary>
public class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Another process (a running service, say) holds the embedded database.</summary>
public sealed class DatabaseInUseException(string path, Exception inner)
    : IOException($"the database {path} is in use by another process (a running service?)", inner)
{
    public string Path { get; } = path;
}
