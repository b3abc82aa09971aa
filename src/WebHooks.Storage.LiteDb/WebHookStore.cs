using WebHooks.Delivery;
using WebHooks.Lifecycle;

namespace WebHooks.Storage.LiteDb;

internal sealed class WebHookStore(Database db, MemoryState state) : IWebHookStore
{
    public Task<WebHookRecord?> CreateAsync(NewWebHook webHook, int limit, CancellationToken cancellationToken = default) => db.WriteAsync(c =>
    {
        if (state.WebHooksOf(webHook.Account).Count() >= limit) return null;
        var streamId = state.StreamFor(c, webHook.Account, webHook.Event);
        var document = new WebHookDocument
        {
            Id = MemoryState.NextId(c, MemoryState.NextWebHookIdSetting),
            Account = webHook.Account, App = webHook.App, Event = webHook.Event, Url = webHook.Url, Secret = webHook.Secret,
            Created = webHook.Created, Origin = webHook.Origin, StreamId = streamId,
            Offset = DeliveryOffset.At(state.Head(streamId)), // a new webhook starts at the end of its stream
        };
        state.Put(c, document, isNew: true);
        return state.Record(document);
    });

    public Task<IReadOnlyList<WebHookRecord>> ListAsync(string account, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<WebHookRecord>>([.. state.WebHooksOf(account).Select(state.Record)]);

    public Task<WebHookRecord?> FindAsync(string account, int id, CancellationToken cancellationToken = default) =>
        Task.FromResult(Owned(account, id) is { } webHook ? state.Record(webHook) : null);

    public Task<Reactivation> ReactivateAsync(Reactivate request, CancellationToken cancellationToken = default) => db.WriteAsync(c =>
    {
        var webHook = Owned(request.Account, request.WebHookId);
        NotificationDocument? notification = null;
        if (request.ViaNotification is { } notificationId)
        {
            notification = c.Notifications.FindById(notificationId);
            if (notification is null || notification.Account != request.Account || notification.WebHookId != request.WebHookId)
                return Reactivation.NotFound;
            var link = LinkRules.Classify(notification.ToRecord(), webHook is null ? null : state.Record(webHook));
            if (link != LinkState.Open)
                return new Reactivation(ReactivationOutcome.LinkClosed, webHook is null ? null : state.Record(webHook), LinkState: link);
        }
        if (webHook is null) return Reactivation.NotFound;
        if (webHook.Active) return new Reactivation(ReactivationOutcome.Activated, state.Record(webHook));

        var record = state.Record(webHook);
        var (offset, replayed, discarded) = webHook.Offset.Reactivate(request.Replay, BufferRules.LastBuffered(record), record.Head);
        var activated = webHook.Copy();
        activated.Offset = offset;
        activated.Active = true;
        activated.Deactivated = null;
        activated.Failures = 0;
        activated.NextAttemptAt = null;
        activated.BufferClosedAt = null;
        state.Put(c, activated);
        if (notification is not null)
        {
            notification.Used = request.Now;
            c.Notifications.Update(notification);
        }
        return new Reactivation(ReactivationOutcome.Activated, state.Record(activated), replayed, discarded);
    });

    public Task<bool> DeleteAsync(string account, int id, CancellationToken cancellationToken = default) => db.WriteAsync(c =>
    {
        // What was queued or buffered for it is no longer anybody's: retention deletes those events.
        if (Owned(account, id) is not { } webHook) return false;
        state.Remove(c, webHook);
        return true;
    });

    public Task<WebHookRecord?> RotateSecretAsync(string account, int id, string newSecret, DateTime previousUntil, CancellationToken cancellationToken = default) =>
        db.WriteAsync(c =>
        {
            if (Owned(account, id) is not { } webHook) return null;
            var rotated = webHook.Copy();
            rotated.PreviousSecret = webHook.Secret;
            rotated.PreviousSecretUntil = previousUntil;
            rotated.Secret = newSecret;
            state.Put(c, rotated);
            return state.Record(rotated);
        });

    public Task<WebHookCounts> CountAsync(CancellationToken cancellationToken = default)
    {
        int active = 0, deactivated = 0;
        foreach (var webHook in state.WebHooks)
        {
            if (webHook.Active) active++;
            else deactivated++;
        }
        return Task.FromResult(new WebHookCounts(active, deactivated));
    }

    private WebHookDocument? Owned(string account, int id) =>
        state.WebHook(id) is { } webHook && webHook.Account == account ? webHook : null;
}
