using WebHooks.Storage;

namespace WebHooks.Lifecycle;

/// <summary>
/// What a retention pass may delete: buffers of webhooks deactivated longer than <see cref="BufferOptions.Retention"/>,
/// and the events of a stream that none of its webhooks can deliver any more.
/// </summary>
public static class RetentionRules
{
    /// <summary>Is this webhook's buffer past its retention, with something left to drop?</summary>
    public static bool BufferExpired(WebHookRecord webHook, DateTime now, TimeSpan retention) =>
        !webHook.Active && webHook.Deactivated is { } since && now >= since + retention
        && (webHook.Offset.Delivered < webHook.Head || webHook.Offset.ReplayUntil is not null);

    /// <summary>The ranges (after, upTo] of its stream that a webhook may still deliver at <paramref name="now"/>.</summary>
    public static IEnumerable<(long After, long UpTo)> Needed(WebHookRecord webHook, DateTime now, TimeSpan bufferPeriod) =>
        webHook.Offset.Needed(BufferRules.KeepsUpTo(webHook, now, bufferPeriod));

    /// <summary>
    /// The ranges (after, upTo] of a stream ending at <paramref name="head"/> that no range of <paramref name="needed"/>
    /// covers: the events retention deletes. In order, not overlapping.
    /// </summary>
    public static IReadOnlyList<(long After, long UpTo)> Unneeded(IEnumerable<(long After, long UpTo)> needed, long head)
    {
        var gaps = new List<(long, long)>();
        var cursor = 0L;
        foreach (var (after, upTo) in needed.Where(r => r.UpTo > r.After).OrderBy(r => r.After))
        {
            if (after >= head) break;
            if (after > cursor) gaps.Add((cursor, after));
            cursor = Math.Max(cursor, upTo);
            if (cursor >= head) return gaps;
        }
        if (cursor < head) gaps.Add((cursor, head));
        return gaps;
    }
}
