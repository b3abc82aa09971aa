using WebHooks.Storage;

namespace WebHooks.Lifecycle;

/// <summary>
/// The buffer of a deactivated webhook (spec 6): its undelivered events and the matching events published in the
/// first <see cref="BufferOptions.Period"/> after the deactivation. Later events are not kept for it.
/// </summary>
public static class BufferRules
{
    /// <summary>When the buffer period of a webhook deactivated at <paramref name="deactivated"/> ends.</summary>
    public static DateTime BufferEnd(DateTime deactivated, TimeSpan period) => deactivated + period;

    /// <summary>Does an event published at <paramref name="now"/> belong to this webhook (queued or buffered)? The fan-out decision.</summary>
    public static bool Keeps(bool active, DateTime? deactivated, DateTime now, TimeSpan period) =>
        active || (deactivated is { } since && now < BufferEnd(since, period));

    /// <summary>The sequence of the last event the webhook keeps: the head while its buffer is open.</summary>
    public static long LastBuffered(WebHookRecord webHook) => webHook.BufferClosedAt ?? webHook.Head;

    /// <summary>
    /// The last sequence the webhook may still need: everything new while it is active or its buffer period runs,
    /// else its last buffered event.
    /// </summary>
    public static long KeepsUpTo(WebHookRecord webHook, DateTime now, TimeSpan period) =>
        Keeps(webHook.Active, webHook.Deactivated, now, period) ? long.MaxValue : LastBuffered(webHook);
}
