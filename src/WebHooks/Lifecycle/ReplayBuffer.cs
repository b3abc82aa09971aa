using WebHooks.Storage;

namespace WebHooks.Lifecycle;

/// <summary>
/// The buffer of a deactivated webhook: its undelivered events and the matching events published in
/// the first <see cref="BufferOptions.Period"/> after deactivation. Reactivation replays or discards them.
/// </summary>
public sealed class ReplayBuffer(EventLog log, WebHooksOptions options)
{
    private TimeSpan Period => options.Buffer.Period;

    /// <summary>Does an event published now belong to this webhook (queued or buffered)? The fan-out decision.</summary>
    public bool Keeps(WebHookDocument webHook, DateTime now) =>
        webHook.Active || now < BufferEnd(webHook);

    /// <summary>The events held for replay; zero while the webhook is active.</summary>
    public int Count(WebHookDocument webHook)
    {
        if (webHook.Active) return 0;
        return log.Count(webHook.StreamId, webHook.Delivered, LastBuffered(webHook));
    }

    /// <summary>Reactivates the webhook, replaying its buffer or discarding it. Writer thread only.</summary>
    public (int Replayed, int Discarded) Reactivate(WebHookDocument webHook, bool replay)
    {
        if (webHook.Active) return (0, 0);

        var lastBuffered = LastBuffered(webHook);
        var buffered = log.Count(webHook.StreamId, webHook.Delivered, lastBuffered);
        var end = log.LastSequence(webHook.StreamId);

        if (replay && buffered > 0)
        {
            webHook.ReplayUntil = lastBuffered;
            webHook.ResumeAfter = end;
        }
        else
        {
            webHook.Delivered = Math.Max(webHook.Delivered, end);
            webHook.ReplayUntil = null;
        }

        webHook.Active = true;
        webHook.Deactivated = null;
        webHook.Failures = 0;
        webHook.NextAttemptAt = null;
        return replay ? (buffered, 0) : (0, buffered);
    }

    /// <summary>Drops the buffer of a webhook deactivated longer than the retention. Writer thread only.</summary>
    public int Discard(WebHookDocument webHook)
    {
        var discarded = Count(webHook);
        webHook.Delivered = Math.Max(webHook.Delivered, log.LastSequence(webHook.StreamId));
        webHook.ReplayUntil = null;
        return discarded;
    }

    /// <summary>
    /// The sequence of the last buffered event: the last one published before the buffer period ended
    /// (strictly before, like <see cref="Keeps"/>, so that both agree on an event published at the boundary).
    /// </summary>
    public long LastBuffered(WebHookDocument webHook) =>
        log.LastPublishedBy(webHook.StreamId, webHook.Delivered, BufferEnd(webHook) - TimeSpan.FromTicks(1));

    /// <summary>When the buffer period of a deactivated webhook ends: later events are not kept for it.</summary>
    public DateTime BufferEnd(WebHookDocument webHook) => webHook.Deactivated!.Value + Period;
}
