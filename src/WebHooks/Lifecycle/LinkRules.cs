using WebHooks.Storage;

namespace WebHooks.Lifecycle;

/// <summary>Where a notification's reactivation link stands now.</summary>
public enum LinkState
{
    /// <summary>No such notification, or the token does not belong to it (forged, altered, guessed).</summary>
    Invalid,
    /// <summary>A button of this link was used already: a link works once.</summary>
    Used,
    /// <summary>The webhook was deleted.</summary>
    Deleted,
    /// <summary>The webhook is active again (activated another way).</summary>
    ActiveAgain,
    /// <summary>The webhook was activated and deactivated again since: a newer notification has the link that counts.</summary>
    Superseded,
    /// <summary>The webhook is still deactivated by this notification: the buttons work.</summary>
    Open,
}

public static class LinkRules
{
    /// <summary>The state of a notification's link, given its webhook as stored now (null when deleted). Reading only.</summary>
    public static LinkState Classify(Notification notification, WebHookRecord? webHook)
    {
        if (notification.Used is not null) return LinkState.Used;
        if (webHook is null || webHook.Account != notification.Account || webHook.Created > notification.Created) return LinkState.Deleted;
        if (webHook.Active) return LinkState.ActiveAgain;
        if (webHook.Deactivated != notification.Created) return LinkState.Superseded;
        return LinkState.Open;
    }
}
