namespace WebHooks.Management;

/// <summary>The parameter rules of spec 3.1. Each returns null when the value is fine, else the reason.</summary>
public static class WebHookValidation
{
    public const int MaxAppLength = 100;
    public const int MaxUrlLength = 2000;

    public static string? App(string app)
    {
        if (app.Length > MaxAppLength) return $"longer than {MaxAppLength} characters";
        if (app.Any(char.IsControl)) return "contains control characters";
        return null;
    }

    public static string? Event(string eventName) =>
        EventNames.IsKnown(eventName) ? null : $"unknown event '{Shorten(eventName)}', valid events are {EventNames.Listing}";

    public static string? Url(string url)
    {
        if (url.Length > MaxUrlLength) return $"longer than {MaxUrlLength} characters";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || url.Any(char.IsWhiteSpace))
            return "not an absolute URL";
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            return "only http and https URLs are allowed";
        if (string.IsNullOrEmpty(uri.Host)) return "the URL has no host";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "the URL must not contain user information";
        return null;
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
