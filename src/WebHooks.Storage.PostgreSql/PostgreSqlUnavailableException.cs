namespace WebHooks.Storage.PostgreSql;

/// <summary>
/// The database cannot be reached or refuses us (wrong host, port, password, database). One clear sentence that
/// names the server but never the password, instead of a stack of socket errors.
/// </summary>
public sealed class PostgreSqlUnavailableException(string message, Exception inner) : Exception(message, inner);
