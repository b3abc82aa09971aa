using Microsoft.Extensions.Logging;
using WebHooks.Storage;

namespace WebHooks.Lifecycle;

/// <summary>Where the service can be reached, for links made without a request (e-mail, log). The host provides it.</summary>
public interface IServiceAddress
{
    /// <summary>A base URL such as <c>http://localhost:5080</c>, or null when none is known yet.</summary>
    string? BaseUrl { get; }
}

internal sealed class NoServiceAddress : IServiceAddress
{
    public string? BaseUrl => null;
}

/// <summary>
/// Absolute links for places that have no request to take the host from (e-mail, log):
/// <c>WebHooks:PublicBaseUrl</c>, else the address the service listens on.
/// </summary>
public sealed class PublicLinks(WebHooksOptions options, NotificationLinks links, IServiceAddress address, ILogger<PublicLinks> logger)
{
    private int _warned;

    /// <summary>The base URL without a trailing slash; empty when none is known (no server, nothing configured).</summary>
    public string BaseUrl()
    {
        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl)) return options.PublicBaseUrl.Trim().TrimEnd('/');
        var resolved = address.BaseUrl?.TrimEnd('/') ?? "";
        if (resolved.Length > 0 && Interlocked.Exchange(ref _warned, 1) == 0)
            logger.LogWarning("WebHooks:PublicBaseUrl is not set: links in notifications sent by e-mail and in the log use {BaseUrl}", resolved);
        return resolved;
    }

    /// <summary>The signed reactivation link of a notification, absolute when a base is known.</summary>
    public async Task<string> ActivationUrlAsync(Notification notification) => BaseUrl() + await links.PathOfAsync(notification);

    /// <summary>The account's notification page.</summary>
    public string NotificationPageUrl() => BaseUrl() + "/notifications";
}
