using Microsoft.Extensions.Logging;
using WebHooks.Lifecycle;

namespace WebHooks.Storage.PostgreSql;

/// <summary>Retention, leadership of periodic jobs, the health check and the backlog metric.</summary>
internal sealed class Maintenance(Database database, LocalTails tails, ILogger logger) : IMaintenance
{
    /// <summary>Events deleted per statement, so that retention never holds long locks or a long transaction.</summary>
    private const int DeleteChunk = 5000;

    public async Task<RetentionResult> PurgeAsync(RetentionPolicy policy, CancellationToken cancellationToken = default)
    {
        int purgedBuffers = 0;
        long purgedEvents = 0, deletedEvents = 0;
        // Only streams that hold events: where none are left, no buffer holds anything and nothing can be deleted.
        var streams = await database.RunAsync(c => c.Command(
                "SELECT id FROM streams s WHERE EXISTS (SELECT FROM events e WHERE e.stream_id = s.id) ORDER BY id")
            .ListAsync(r => r.GetInt32(0), cancellationToken), cancellationToken);
        foreach (var stream in streams)
        {
            var (buffers, buffered, unneeded) = await DropExpiredBuffersAsync(stream, policy, cancellationToken);
            purgedBuffers += buffers;
            purgedEvents += buffered;
            // Outside the stream's lock: an offset only moves forward, and a new webhook starts at the head, so a
            // range that no webhook needs now is never needed again.
            foreach (var (after, upTo) in unneeded) deletedEvents += await DeleteRangeAsync(stream, after, upTo, cancellationToken);
            // No lane reads a range that nobody needs, but a read of one answers as the storage does: nothing.
            if (unneeded.Count > 0) tails.ForgetStream(stream);
        }

        var (idempotency, attempts) = await database.RunAsync(async c =>
        {
            var keys = await c.Command("DELETE FROM idempotency WHERE created <= @expired")
                .With("expired", policy.Now - policy.IdempotencyWindow).ExecuteAsync(cancellationToken);
            var old = await c.Command("DELETE FROM attempts WHERE created < @expired")
                .With("expired", policy.Now - policy.AttemptRetention).ExecuteAsync(cancellationToken);
            return (keys, old);
        }, cancellationToken);

        return new RetentionResult(purgedBuffers, purgedEvents, deletedEvents, idempotency, attempts);
    }

    /// <summary>
    /// Under the stream's row lock (appends wait, briefly): drops the buffers past their retention, and works out the
    /// ranges of the stream that none of its webhooks can deliver any more.
    /// </summary>
    private Task<(int Buffers, long Events, IReadOnlyList<(long After, long UpTo)> Unneeded)> DropExpiredBuffersAsync(
        int stream, RetentionPolicy policy, CancellationToken cancellationToken) =>
        database.InTransactionAsync<(int, long, IReadOnlyList<(long, long)>)>(async (c, tx) =>
        {
            var head = await c.Command("SELECT last_seq FROM streams WHERE id = @stream FOR UPDATE", tx)
                .With("stream", stream).ScalarAsync<long>(cancellationToken);
            // All of the stream's webhooks are locked: a webhook that changes state between two reads could otherwise be
            // missed by both, and its events deleted; a reactivation must not interleave with dropping its buffer either.
            var webHooks = await c.Command($"""
                    SELECT {WebHookRows.Columns} FROM {WebHookRows.From} WHERE w.stream_id = @stream ORDER BY w.id FOR UPDATE OF w
                    """, tx)
                .With("stream", stream).ListAsync(WebHookRows.Read, cancellationToken);

            int buffers = 0;
            long events = 0;
            for (var i = 0; i < webHooks.Count; i++)
            {
                var webHook = webHooks[i];
                if (!RetentionRules.BufferExpired(webHook, policy.Now, policy.BufferRetention)) continue;
                var (offset, discarded) = webHook.Offset.Discard(BufferRules.LastBuffered(webHook), head);
                await c.Command($"UPDATE webhooks SET {WebHookRows.SetOffset} WHERE id = @id", tx)
                    .WithOffset(offset).With("id", webHook.Id).ExecuteAsync(cancellationToken);
                webHooks[i] = webHook with { Offset = offset };
                if (discarded == 0) continue;
                buffers++;
                events += discarded;
                logger.LogWarning("Retention: dropped {Count} buffered events of webhook {WebHookId}, deactivated since {Deactivated:u}",
                    discarded, webHook.Id, webHook.Deactivated);
            }

            var needed = webHooks.SelectMany(w => RetentionRules.Needed(w, policy.Now, policy.BufferPeriod));
            return (buffers, events, RetentionRules.Unneeded(needed, head));
        }, cancellationToken);

    private async Task<long> DeleteRangeAsync(int stream, long after, long upTo, CancellationToken cancellationToken)
    {
        long deleted = 0;
        for (var from = after; from < upTo; from += DeleteChunk)
        {
            deleted += await database.RunAsync(c => c.Command("DELETE FROM events WHERE stream_id = @stream AND seq > @after AND seq <= @up_to")
                .With("stream", stream).With("after", from).With("up_to", Math.Min(upTo, from + DeleteChunk)).ExecuteAsync(cancellationToken),
                cancellationToken);
        }
        return deleted;
    }

    public Task<IAsyncDisposable?> TryLeadAsync(string job, CancellationToken cancellationToken = default) =>
        Leadership.TryTakeAsync(database, job, cancellationToken);

    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await database.RunAsync(c => c.Command("SELECT 1").ScalarAsync<int>(cancellationToken), cancellationToken) == 1;
        }
        catch (Exception e) when (e is PostgreSqlUnavailableException or Npgsql.NpgsqlException or TimeoutException)
        {
            return false;
        }
    }

    public Task<DateTime?> OldestUndeliveredAsync(CancellationToken cancellationToken = default) =>
        // Per active webhook with work, the first event after its offset: one index probe each (LATERAL ... LIMIT 1).
        database.RunAsync(c => c.Command("""
                SELECT min(e.published)
                FROM webhooks w
                JOIN streams s ON s.id = w.stream_id
                CROSS JOIN LATERAL (
                    SELECT published FROM events
                    WHERE stream_id = w.stream_id AND seq > w.delivered
                    ORDER BY seq LIMIT 1) e
                WHERE w.active AND w.delivered < s.last_seq
                """).ScalarAsync<DateTime?>(cancellationToken), cancellationToken);
}
