using Npgsql;

namespace WebHooks.Storage.PostgreSql;

/// <summary>
/// Leadership of a periodic job: a session advisory lock, held by a connection of its own that stays open until
/// disposed (the lock dies with the session, so a crashed leader frees it). Needs session pooling: PgBouncer in
/// transaction mode would break it.
/// </summary>
internal sealed class Leadership : IAsyncDisposable
{
    private const string Key = "hashtextextended('webhooks.lead.' || current_schema() || '.' || @job, 0)";

    private readonly NpgsqlConnection _connection;
    private readonly string _job;

    private Leadership(NpgsqlConnection connection, string job) => (_connection, _job) = (connection, job);

    public static async Task<IAsyncDisposable?> TryTakeAsync(Database database, string job, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        try
        {
            if (await connection.Command($"SELECT pg_try_advisory_lock({Key})").With("job", job).ScalarAsync<bool>(cancellationToken))
                return new Leadership(connection, job);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _connection.Command($"SELECT pg_advisory_unlock({Key})").With("job", _job).ExecuteAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection broke: the session, and its lock, are gone already.
        }
        await _connection.DisposeAsync();
    }
}
