using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using WebHooks.Accounts;
using WebHooks.Lifecycle;

namespace WebHooks.Service.Hosting;

/// <summary>The client address of the current HTTP request, for the login throttle.</summary>
internal sealed class HttpCallerAddress(IHttpContextAccessor accessor) : ICallerAddress
{
    public string Current => accessor.HttpContext?.Connection.RemoteIpAddress?.ToString() ?? ICallerAddress.Local;
}

/// <summary>The address the server listens on, for links made without a request when <c>WebHooks:PublicBaseUrl</c> is not set.</summary>
internal sealed class ServerAddress(IServer server) : IServiceAddress
{
    public string? BaseUrl
    {
        get
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
            var address = addresses?.Where(a => !a.Contains("unix:", StringComparison.Ordinal))
                .OrderBy(a => a.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? 0 : 1).FirstOrDefault();
            if (address is null) return null;
            var uri = new Uri(address.Replace("://+", "://localhost").Replace("://*", "://localhost"));
            var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
            return $"{uri.Scheme}://{(host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host)}:{uri.Port}";
        }
    }
}
