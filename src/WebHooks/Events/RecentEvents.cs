namespace WebHooks.Events;

/// <summary>
/// The last events of each type an account published, kept whether or not a webhook listened (spec 10,
/// <c>GET /api/events/recent</c>): automation platforms such as Zapier show them as sample data while a user builds a
/// Zap, before any subscription exists. The storage keeps a ring of <see cref="Kept"/> per (account, event), written
/// in the same transaction as the publish; retention leaves it alone (it cannot grow).
/// </summary>
public static class RecentEvents
{
    /// <summary>How many events of each type an account's ring holds.</summary>
    public const int Kept = 10;

    /// <summary>
    /// Data in the documented shape of each event (spec 4 documents the opt-in; the others follow the platform's
    /// fields), answered when an account has published none of that type yet, and the Zapier triggers' samples.
    /// </summary>
    public static string Example(string eventName) => eventName switch
    {
        EventNames.OptInFinalized =>
            """{"id":371,"optinsetup_id":60,"subscriber_id":6049065,"fields":[{"id":1,"value":"max.muster@example.com"}],"lists":[{"id":1,"value":1},{"id":3,"value":0}],"activate_at":"2025-11-11 09:27:29"}""",
        EventNames.OptOutFinalized =>
            """{"id":912,"optoutsetup_id":14,"subscriber_id":6049065,"fields":[{"id":1,"value":"max.muster@example.com"}],"lists":[{"id":1,"value":0},{"id":3,"value":0}],"deactivate_at":"2025-11-12 16:04:51"}""",
        EventNames.ProfileManagerFinalized =>
            """{"id":1544,"profilemanager_id":7,"subscriber_id":6049065,"fields":[{"id":1,"value":"max.muster@example.com"},{"id":2,"value":"Max"},{"id":3,"value":"Muster"}],"lists":[{"id":1,"value":1},{"id":3,"value":1}],"changed_at":"2025-11-13 10:15:02"}""",
        _ => throw new ArgumentOutOfRangeException(nameof(eventName), eventName, "not an event of the platform"),
    };
}
