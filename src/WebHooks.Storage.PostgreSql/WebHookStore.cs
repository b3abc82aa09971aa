using Npgsql;
using WebHooks.Delivery;
using WebHooks.Lifecycle;
using WebHooks.Storage.PostgreSql.Signals;

namespace WebHooks.Storage.PostgreSql;

/// <summary>
/// Webhooks as their owners manage them. Every query names the account: another account's webhook does not exist.
/// Lock order everywhere: account, stream, webhook, notification (appends take the stream before any webhook).
/// </summary>
internal sealed class WebHookStore(Database database, LocalTails tails) : IWebHookStore
{
    public Task<WebHookRecord?> CreateAsync(NewWebHook webHook, int limit, CancellationToken cancellationToken = default) =>
        database.InTransactionAsync(async (c, tx) =>
        {
            // Serialises the creations of one account, so that two at once cannot both pass the limit.
            var exists = await c.Command("SELECT true FROM accounts WHERE name = @account FOR NO KEY UPDATE", tx)
                .With("account", webHook.Account).ScalarAsync<bool>(cancellationToken);
            if (!exists) throw new InvalidOperationException($"there is no account '{webHook.Account}'");

            var count = await c.Command("SELECT count(*) FROM webhooks WHERE account = @account", tx)
                .With("account", webHook.Account).ScalarAsync<long>(cancellationToken);
            if (count >= limit) return null;

            // The stream's row lock orders this creation with the appends: the new webhook starts exactly at the
            // head, and receives every event appended after it.
            await c.Command("INSERT INTO streams (account, event) VALUES (@account, @event) ON CONFLICT (account, event) DO NOTHING", tx)
                .With("account", webHook.Account).With("event", webHook.Event).ExecuteAsync(cancellationToken);
            var (streamId, head) = (await c.Command("SELECT id, last_seq FROM streams WHERE account = @account AND event = @event FOR UPDATE", tx)
                .With("account", webHook.Account).With("event", webHook.Event)
                .ListAsync(r => (r.GetInt32(0), r.GetInt64(1)), cancellationToken)).Single();

            var offset = DeliveryOffset.At(head);
            var created = await c.Command(WebHookRows.Returning("""
                    INSERT INTO webhooks (account, app, event, url, secret, created, origin, stream_id, delivered, replay_until, resume_after)
                    VALUES (@account, @app, @event, @url, @secret, @created, @origin, @stream, @delivered, @replay_until, @resume_after)
                    RETURNING *
                    """), tx)
                .With("account", webHook.Account).With("app", webHook.App).With("event", webHook.Event).With("url", webHook.Url)
                .With("secret", webHook.Secret).With("created", webHook.Created).With("origin", (short)webHook.Origin)
                .With("stream", streamId).WithOffset(offset)
                .SingleOrDefaultAsync(WebHookRows.Read, cancellationToken);
            await Wakeups.NotifyAsync(c, tx, database.Instance, [created!.Id], WakeupKind.Changed, cancellationToken);
            return created;
        }, cancellationToken);

    public Task<IReadOnlyList<WebHookRecord>> ListAsync(string account, CancellationToken cancellationToken = default) =>
        database.RunAsync<IReadOnlyList<WebHookRecord>>(async c => await c.Command(
                $"SELECT {WebHookRows.Columns} FROM {WebHookRows.From} WHERE w.account = @account ORDER BY w.id")
            .With("account", account).ListAsync(WebHookRows.Read, cancellationToken), cancellationToken);

    public Task<WebHookRecord?> FindAsync(string account, int id, CancellationToken cancellationToken = default) =>
        database.RunAsync(c => c.Command($"SELECT {WebHookRows.Columns} FROM {WebHookRows.From} WHERE w.id = @id AND w.account = @account")
            .With("id", id).With("account", account).SingleOrDefaultAsync(WebHookRows.Read, cancellationToken), cancellationToken);

    public Task<Reactivation> ReactivateAsync(Reactivate request, CancellationToken cancellationToken = default) =>
        database.InTransactionAsync(async (c, tx) =>
        {
            // Lock first, then read with a fresh statement: the head read below is then at least as new as any
            // append that saw this webhook deactivated and changed it.
            await c.Command("SELECT true FROM webhooks WHERE id = @id AND account = @account FOR UPDATE", tx)
                .With("id", request.WebHookId).With("account", request.Account).ExecuteAsync(cancellationToken);
            var webHook = await c.Command($"SELECT {WebHookRows.Columns} FROM {WebHookRows.From} WHERE w.id = @id AND w.account = @account", tx)
                .With("id", request.WebHookId).With("account", request.Account).SingleOrDefaultAsync(WebHookRows.Read, cancellationToken);

            if (request.ViaNotification is { } notificationId)
            {
                var notification = await c.Command($"SELECT {NotificationStore.Columns} FROM notifications WHERE id = @id FOR UPDATE", tx)
                    .With("id", notificationId).SingleOrDefaultAsync(NotificationStore.Read, cancellationToken);
                if (notification is null || notification.Account != request.Account || notification.WebHookId != request.WebHookId)
                    return Reactivation.NotFound;
                var state = LinkRules.Classify(notification, webHook);
                if (state != LinkState.Open) return new Reactivation(ReactivationOutcome.LinkClosed, webHook, LinkState: state);
                await c.Command("UPDATE notifications SET used = @now WHERE id = @id", tx)
                    .With("now", request.Now).With("id", notificationId).ExecuteAsync(cancellationToken);
            }

            if (webHook is null) return Reactivation.NotFound;
            if (webHook.Active) return new Reactivation(ReactivationOutcome.Activated, webHook);

            var (offset, replayed, discarded) = webHook.Offset.Reactivate(request.Replay, BufferRules.LastBuffered(webHook), webHook.Head);
            // The lease is cleared too, so that no earlier owner's token can write to the new lane.
            var activated = await c.Command(WebHookRows.Returning($"""
                    UPDATE webhooks SET {WebHookRows.SetOffset},
                        active = true, deactivated = NULL, failures = 0, next_attempt_at = NULL, buffer_closed_at = NULL,
                        lease_owner = NULL, lease_token = NULL, lease_until = NULL
                    WHERE id = @id
                    RETURNING *
                    """), tx)
                .WithOffset(offset).With("id", webHook.Id).SingleOrDefaultAsync(WebHookRows.Read, cancellationToken);
            await Wakeups.NotifyAsync(c, tx, database.Instance, [webHook.Id], WakeupKind.Changed, cancellationToken);
            return new Reactivation(ReactivationOutcome.Activated, activated, replayed, discarded);
        }, cancellationToken);

    public async Task<bool> DeleteAsync(string account, int id, CancellationToken cancellationToken = default)
    {
        var deleted = await database.InTransactionAsync(async (c, tx) =>
        {
            // What was queued or buffered for it is nobody's now: retention deletes those events.
            var deleted = await c.Command("DELETE FROM webhooks WHERE id = @id AND account = @account", tx)
                .With("id", id).With("account", account).ExecuteAsync(cancellationToken) == 1;
            if (deleted) await Wakeups.NotifyAsync(c, tx, database.Instance, [id], WakeupKind.Deleted, cancellationToken);
            return deleted;
        }, cancellationToken);
        if (deleted) tails.Unlearn([id]);
        return deleted;
    }

    public Task<WebHookRecord?> RotateSecretAsync(string account, int id, string newSecret, DateTime previousUntil,
        CancellationToken cancellationToken = default) =>
        database.InTransactionAsync(async (c, tx) =>
        {
            var rotated = await c.Command(WebHookRows.Returning("""
                    UPDATE webhooks SET previous_secret = secret, previous_secret_until = @until, secret = @secret
                    WHERE id = @id AND account = @account
                    RETURNING *
                    """), tx)
                .With("until", previousUntil).With("secret", newSecret).With("id", id).With("account", account)
                .SingleOrDefaultAsync(WebHookRows.Read, cancellationToken);
            if (rotated is not null) await Wakeups.NotifyAsync(c, tx, database.Instance, [id], WakeupKind.Changed, cancellationToken);
            return rotated;
        }, cancellationToken);

    public Task<WebHookCounts> CountAsync(CancellationToken cancellationToken = default) =>
        database.RunAsync(async c => (await c.Command(
                "SELECT count(*) FILTER (WHERE active), count(*) FILTER (WHERE NOT active) FROM webhooks")
            .ListAsync(r => new WebHookCounts((int)r.GetInt64(0), (int)r.GetInt64(1)), cancellationToken)).Single(), cancellationToken);
}
