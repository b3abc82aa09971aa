namespace WebHooks;

/// <summary>The events the platform raises; exactly these names (spec 1).</summary>
public static class EventNames
{
    public const string OptInFinalized = "optin_finalized";
    public const string OptOutFinalized = "optout_finalized";
    public const string ProfileManagerFinalized = "profilemanager_finalized";

    public static readonly IReadOnlyList<string> All = [OptInFinalized, OptOutFinalized, ProfileManagerFinalized];

    public static bool IsKnown(string name) => All.Contains(name, StringComparer.Ordinal);

    public static string Listing => string.Join(", ", All);
}
