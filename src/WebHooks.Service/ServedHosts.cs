using Microsoft.AspNetCore.HostFiltering;

namespace WebHooks.Service;

/// <summary>
/// The links the service hands out (the WSDL's soap:address, the demo's sample code, activationUrl) are built from
/// <c>WebHooks:PublicBaseUrl</c>, else from the request's Host header, which a client chooses freely. So that a
/// forged Host never ends up in them, the service answers only requests for its own hosts (ASP.NET host
/// filtering; any other Host gets 400): those of <c>AllowedHosts</c> (semicolon-separated, <c>*.example.com</c>
/// allowed; by default the loopback names), plus the host of <c>WebHooks:PublicBaseUrl</c> and <c>localhost</c>,
/// the name the command line uses on the admin socket. <c>AllowedHosts=*</c> serves every Host: then set
/// PublicBaseUrl, or links follow whatever Host a request names.
/// </summary>
public static class ServedHosts
{
    public const string Key = "AllowedHosts";
    public const string LoopbackNames = "localhost;127.0.0.1;[::1]";

    /// <summary>The Host the admin socket's client sends.</summary>
    public const string AdminSocketHost = "localhost";

    public static void AddServedHosts(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        // Runs before the web host's own default (which reads AllowedHosts only when nothing set the list, and falls back to "*").
        builder.Services.Configure<HostFilteringOptions>(options => options.AllowedHosts = Of(configuration).ToList());
    }

    public static IReadOnlyList<string> Of(IConfiguration configuration)
    {
        var configured = (configuration[Key] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (configured.Contains("*")) return ["*"];
        var hosts = configured.Length > 0 ? configured.ToList() : [.. LoopbackNames.Split(';')];
        if (Uri.TryCreate(configuration[$"{WebHooksOptions.Section}:{nameof(WebHooksOptions.PublicBaseUrl)}"], UriKind.Absolute, out var publicBase))
            hosts.Add(publicBase.Host);
        hosts.Add(AdminSocketHost);
        return [.. hosts.Distinct(StringComparer.OrdinalIgnoreCase)];
    }
}
