using WebHooks.Storage;

namespace WebHooks.Management;

/// <summary>A webhook as its owner sees it (spec 3.1, <c>WebHook</c>).</summary>
public sealed record WebHookView(
    int Id,
    string App,
    string Event,
    string Url,
    bool Active,
    DateTime Created,
    DateTime? Deactivated,
    int BufferedEvents,
    string LastError,
    string Secret)
{
    public static WebHookView Of(WebHookRecord w) =>
        new(w.Id, w.App, w.Event, w.Url, w.Active, w.Created, w.Deactivated,
            (int)Math.Min(int.MaxValue, w.BufferedEvents), w.LastError, w.Secrets.Current);
}

/// <summary>The result of <c>ActivateWebHook</c> (spec 3.1, <c>Activation</c>).</summary>
public sealed record ActivationView(WebHookView WebHook, int ReplayedEvents, int DiscardedEvents);
