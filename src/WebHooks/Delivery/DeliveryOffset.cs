namespace WebHooks.Delivery;

/// <summary>
/// Where a webhook stands in its stream (the log of its account's events of its type): the sequence of the last event
/// it is done with (delivered, discarded or skipped); everything after it is its queue, or its buffer while it is
/// deactivated. After a reactivation with replay, the events between the end of the buffer and the reactivation are
/// skipped: <see cref="ReplayUntil"/> is the last buffered event, and once it is delivered the offset jumps to
/// <see cref="ResumeAfter"/> (the stream's end at the reactivation). All rules about offsets live here.
/// </summary>
public readonly record struct DeliveryOffset(long Delivered, long? ReplayUntil = null, long ResumeAfter = 0)
{
    /// <summary>A new webhook starts at the end of its stream: it receives what is published from now on.</summary>
    public static DeliveryOffset At(long head) => new(head);

    /// <summary>The last sequence the lane may read next: the end of the replay while replaying, else the head.</summary>
    public long ReadLimit(long head) => ReplayUntil is { } until ? Math.Min(until, head) : head;

    /// <summary>Is there anything to deliver in a stream that ends at <paramref name="head"/>?</summary>
    public bool HasWork(long head) => Settle(this) is var settled && settled.ReadLimit(head) > settled.Delivered;

    /// <summary>The event <paramref name="sequence"/> was delivered (in order): move past it, and past the skipped gap at the end of a replay.</summary>
    public DeliveryOffset Advance(long sequence) => Settle(this with { Delivered = Math.Max(Delivered, sequence) });

    /// <summary>How many events a deactivated webhook holds for replay, when <paramref name="lastBuffered"/> is the last one it keeps.</summary>
    public long Buffered(long lastBuffered)
    {
        if (ReplayUntil is not { } until) return Math.Max(0, lastBuffered - Delivered);
        // Deactivated again in the middle of a replay: the rest of the old buffer, and what came after the gap.
        return Math.Max(0, Math.Min(until, lastBuffered) - Delivered) + Math.Max(0, lastBuffered - Math.Max(ResumeAfter, until));
    }

    /// <summary>
    /// Reactivation: with <paramref name="replay"/> the buffered events are delivered first, in order, and the events
    /// after <paramref name="lastBuffered"/> (published after the buffer period) are skipped; without it the buffer is
    /// discarded and delivery goes on from <paramref name="head"/>.
    /// </summary>
    public (DeliveryOffset Offset, long Replayed, long Discarded) Reactivate(bool replay, long lastBuffered, long head)
    {
        var buffered = Buffered(lastBuffered);
        if (!replay || buffered == 0) return (At(Math.Max(Delivered, head)), 0, replay ? 0 : buffered);

        if (ReplayUntil is { } until)
        {
            if (lastBuffered >= head) return (this, buffered, 0); // nothing to skip: the old replay goes on, then the rest
            // A second gap cannot be expressed: replay the old buffer's rest, discard what came after the first gap.
            var rest = Math.Max(0, until - Delivered);
            return (new DeliveryOffset(Delivered, until, head), rest, buffered - rest);
        }
        return (new DeliveryOffset(Delivered, lastBuffered, head), buffered, 0);
    }

    /// <summary>Retention drops a buffer: delivery would go on from <paramref name="head"/>.</summary>
    public (DeliveryOffset Offset, long Discarded) Discard(long lastBuffered, long head) =>
        (At(Math.Max(Delivered, head)), Buffered(lastBuffered));

    /// <summary>
    /// The ranges (after, upTo] of the stream this webhook may still deliver, when it keeps events up to
    /// <paramref name="upTo"/> (<see cref="long.MaxValue"/> while it keeps everything new). Retention deletes the rest.
    /// </summary>
    public IEnumerable<(long After, long UpTo)> Needed(long upTo)
    {
        if (ReplayUntil is { } until)
        {
            yield return (Delivered, Math.Min(until, upTo));
            yield return (Math.Max(Delivered, ResumeAfter), upTo);
            yield break;
        }
        yield return (Delivered, upTo);
    }

    private static DeliveryOffset Settle(DeliveryOffset offset) =>
        offset.ReplayUntil is { } until && offset.Delivered >= until ? At(Math.Max(offset.Delivered, offset.ResumeAfter)) : offset;
}
