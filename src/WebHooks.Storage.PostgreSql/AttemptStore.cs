namespace WebHooks.Storage.PostgreSql;

/// <summary>The log of delivery attempts; retention deletes what is older than its window.</summary>
internal sealed class AttemptStore(Database database) : IAttemptStore
{
    public async Task AddAsync(IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken = default)
    {
        if (attempts.Count == 0) return;
        // One statement for the whole batch: arrays, one per column.
        await database.RunAsync(c => c.Command("""
                INSERT INTO attempts (webhook_id, event_id, event, attempt, created, status, duration_ms, succeeded, error)
                SELECT * FROM unnest(@webhook_ids, @event_ids, @events, @attempts, @created, @statuses, @durations, @succeeded, @errors)
                """)
            .With("webhook_ids", attempts.Select(a => a.WebHookId).ToArray())
            .With("event_ids", attempts.Select(a => a.EventId).ToArray())
            .With("events", attempts.Select(a => a.Event).ToArray())
            .With("attempts", attempts.Select(a => a.Attempt).ToArray())
            .With("created", attempts.Select(a => Sql.Utc(a.Created)).ToArray())
            .With("statuses", attempts.Select(a => a.Status).ToArray())
            .With("durations", attempts.Select(a => a.DurationMs).ToArray())
            .With("succeeded", attempts.Select(a => a.Succeeded).ToArray())
            .With("errors", attempts.Select(a => a.Error).ToArray())
            .ExecuteAsync(cancellationToken), cancellationToken);
    }

    public Task<IReadOnlyList<DeliveryAttempt>> ListAsync(string account, int webHookId, int max, CancellationToken cancellationToken = default) =>
        database.RunAsync<IReadOnlyList<DeliveryAttempt>>(async c => await c.Command("""
                SELECT a.webhook_id, a.event_id, a.event, a.attempt, a.created, a.status, a.duration_ms, a.succeeded, a.error
                FROM attempts a
                WHERE a.webhook_id = @id AND EXISTS (SELECT FROM webhooks w WHERE w.id = @id AND w.account = @account)
                ORDER BY a.created DESC, a.id DESC
                LIMIT @max
                """)
            .With("id", webHookId).With("account", account).With("max", max)
            .ListAsync(r => new DeliveryAttempt(r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetFieldValue<DateTime>(4),
                r.GetInt32(5), r.GetInt32(6), r.GetBoolean(7), r.GetString(8)), cancellationToken), cancellationToken);
}
