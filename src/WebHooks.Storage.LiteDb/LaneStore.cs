namespace WebHooks.Storage.LiteDb;

internal sealed class LaneStore(Database db, MemoryState state, LaneLeases leases) : ILaneStore
{
    public TimeSpan LeaseDuration => leases.Duration;

    public Task<IReadOnlyList<int>> FindDueAsync(DateTime now, int max, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<int>>([.. state.WebHooks
            .Where(w => w.Active && (w.NextAttemptAt is null || w.NextAttemptAt <= now) && w.Offset.HasWork(state.Head(w.StreamId)) && !leases.IsLeased(w.Id))
            .Select(w => w.Id)
            .Take(max)]);

    public Task<LaneLease?> TryClaimAsync(int webHookId, CancellationToken cancellationToken = default)
    {
        if (state.WebHook(webHookId) is not { Active: true } || leases.TryTake(webHookId) is not { } token) return Task.FromResult<LaneLease?>(null);
        // Read after taking: a deactivation or deletion that got in first is seen now, and the lane ends at its first save.
        return Task.FromResult<LaneLease?>(state.WebHook(webHookId) is { } webHook ? new LaneLease(webHookId, token, state.Record(webHook)) : null);
    }

    public async Task<WebHookRecord?> SaveAsync(LaneLease lease, DeliveryProgress progress, CancellationToken cancellationToken = default)
    {
        if (!leases.Renew(lease.WebHookId, lease.Token)) return null;
        if (state.WebHook(lease.WebHookId) is { Active: true } unchanged && unchanged.Progress == progress)
            return state.Record(unchanged); // nothing new to write: the renewal was all
        return await db.WriteAsync(c => Save(c, lease, progress) is { } saved ? state.Record(saved) : null);
    }

    public async Task<long?> ReleaseAsync(LaneLease lease, DeliveryProgress? progress, CancellationToken cancellationToken = default)
    {
        if (!leases.Holds(lease.WebHookId, lease.Token)) return null;
        try
        {
            if (progress is not null && state.WebHook(lease.WebHookId)?.Progress != progress)
                await db.WriteAsync(c => Save(c, lease, progress));
        }
        finally
        {
            leases.Release(lease.WebHookId, lease.Token);
        }
        // One process: every publish wakes its lanes in process, so this is only the head as it stands.
        return state.WebHook(lease.WebHookId) is { } webHook ? state.Head(webHook.StreamId) : null;
    }

    public Task<Notification?> DeactivateAsync(LaneLease lease, DeliveryProgress progress, NewNotification notification, CancellationToken cancellationToken = default) =>
        db.WriteAsync(c =>
        {
            if (!leases.Holds(lease.WebHookId, lease.Token) || state.WebHook(lease.WebHookId) is not { Active: true } webHook) return null;
            var deactivated = webHook.Copy();
            deactivated.Apply(progress);
            deactivated.Active = false;
            deactivated.Deactivated = notification.Created;
            deactivated.NextAttemptAt = null;
            deactivated.DroppedEvents = 0; // counted per deactivation
            deactivated.BufferClosedAt = null;
            state.Put(c, deactivated);
            var stored = new NotificationDocument
            {
                Id = MemoryState.NextId(c, MemoryState.NextNotificationIdSetting),
                Account = webHook.Account, Type = notification.Type, WebHookId = webHook.Id, Created = notification.Created,
                Message = notification.Message, LastError = notification.LastError,
            };
            c.Notifications.Insert(stored);
            leases.Release(lease.WebHookId, lease.Token);
            return stored.ToRecord();
        });

    public Task<bool> RemoveGoneAsync(LaneLease lease, CancellationToken cancellationToken = default) => db.WriteAsync(c =>
    {
        if (!leases.Holds(lease.WebHookId, lease.Token) || state.WebHook(lease.WebHookId) is not { } webHook) return false;
        state.Remove(c, webHook);
        leases.Release(lease.WebHookId, lease.Token);
        return true;
    });

    /// <summary>Fenced: only while the lease holds and the webhook is active.</summary>
    private WebHookDocument? Save(Collections c, LaneLease lease, DeliveryProgress progress)
    {
        if (!leases.Holds(lease.WebHookId, lease.Token) || state.WebHook(lease.WebHookId) is not { Active: true } webHook) return null;
        var saved = webHook.Copy();
        saved.Apply(progress);
        state.Put(c, saved);
        return saved;
    }
}
