using Npgsql;

namespace WebHooks.Storage.PostgreSql;

/// <summary>System notifications (deactivations); they are written by <see cref="LaneStore.DeactivateAsync"/>.</summary>
internal sealed class NotificationStore(Database database) : INotificationStore
{
    public const string Columns = "id, account, type, webhook_id, created, message, last_error, used";

    public Task<IReadOnlyList<Notification>> ListAsync(string account, int max, CancellationToken cancellationToken = default) =>
        database.RunAsync<IReadOnlyList<Notification>>(async c => await c.Command(
                $"SELECT {Columns} FROM notifications WHERE account = @account ORDER BY id DESC LIMIT @max")
            .With("account", account).With("max", max).ListAsync(Read, cancellationToken), cancellationToken);

    public Task<Notification?> FindAsync(int id, CancellationToken cancellationToken = default) =>
        database.RunAsync(c => c.Command($"SELECT {Columns} FROM notifications WHERE id = @id")
            .With("id", id).SingleOrDefaultAsync(Read, cancellationToken), cancellationToken);

    public static Notification Read(NpgsqlDataReader r) => new(
        r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetFieldValue<DateTime>(4), r.GetString(5), r.GetString(6),
        r.NullableDateTime(7));
}
