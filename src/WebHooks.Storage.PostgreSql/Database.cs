using System.Net.Sockets;
using Npgsql;

namespace WebHooks.Storage.PostgreSql;

/// <summary>
/// The one <see cref="NpgsqlDataSource"/> of a storage: short connections from its pool, one transaction per
/// intent-level call. A transaction is never held across anything but SQL.
/// </summary>
internal sealed class Database(NpgsqlDataSource source, string instance)
{
    private const int MaxDeadlockRetries = 3;

    public NpgsqlDataSource Source => source;

    /// <summary>This instance (host, process, storage): the owner of its leases and the sender of its wake-ups.</summary>
    public string Instance => instance;

    /// <summary>Where we connect, for messages (never the password).</summary>
    public string Describe()
    {
        var b = new NpgsqlConnectionStringBuilder(source.ConnectionString);
        return $"PostgreSQL at {b.Host}:{b.Port} (database {b.Database ?? b.Username}, user {b.Username})";
    }

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await source.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            throw new PostgreSqlUnavailableException($"{Describe()} cannot be used: {Innermost(e).Message}", e);
        }
    }

    /// <summary>Runs <paramref name="work"/> on a pooled connection, without a transaction (one statement, or reads).</summary>
    public async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await work(connection);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one READ COMMITTED transaction and commits it. A deadlock (which lock ordering
    /// makes rare, but foreign-key checks can still cause) rolls back and runs the work again: it is SQL only.
    /// </summary>
    public async Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            try
            {
                var result = await work(connection, transaction);
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
                                              && attempt < MaxDeadlockRetries)
            {
                // disposing the transaction rolls it back; go round again
            }
        }
    }

    private static Exception Innermost(Exception e)
    {
        // Npgsql wraps socket errors; the innermost one says "connection refused" or the like.
        while (e.InnerException is not null && e is not PostgresException) e = e.InnerException;
        return e;
    }
}
