using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WebHooks.Storage;

namespace WebHooks.Lifecycle;

/// <summary>
/// Absolute links for places that have no request to take the host from (e-mail, log):
/// <c>WebHooks:PublicBaseUrl</c>, else the first address the server listens on.
/// </summary>
public sealed class PublicLinks(WebHooksOptions options, NotificationLinks links, IServiceProvider services, ILogger<PublicLinks> logger)
{
    private int _warned;

    /// <summary>The base URL without a trailing slash; empty when none is known (no server, nothing configured).</summary>
    public string BaseUrl()
    {
        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl)) return options.PublicBaseUrl.Trim().TrimEnd('/');

        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
        var address = addresses?.OrderBy(a => a.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? 0 : 1).FirstOrDefault();
        if (address is null) return "";
        var uri = new Uri(address.Replace("://+", "://localhost").Replace("://*", "://localhost"));
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
        var resolved = $"{uri.Scheme}://{(host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host)}:{uri.Port}";
        if (Interlocked.Exchange(ref _warned, 1) == 0)
            logger.LogWarning("WebHooks:PublicBaseUrl is not set: links in notifications sent by e-mail and in the log use {BaseUrl}", resolved);
        return resolved;
    }

    /// <summary>The signed reactivation link of a notification, absolute when a base is known.</summary>
    public string ActivationUrl(NotificationDocument notification) => BaseUrl() + links.PathOf(notification);

    /// <summary>The account's notification page.</summary>
    public string NotificationPageUrl() => BaseUrl() + "/notifications";
}
