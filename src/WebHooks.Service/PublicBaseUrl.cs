namespace WebHooks.Service;

/// <summary>
/// The base of links the service hands out: <c>WebHooks:PublicBaseUrl</c>, else the request's own (whose Host is
/// one of the served hosts: see <see cref="ServedHosts"/>).
/// </summary>
public static class PublicBaseUrl
{
    public static string Of(HttpRequest request, WebHooksOptions options) =>
        string.IsNullOrEmpty(options.PublicBaseUrl)
            ? $"{request.Scheme}://{request.Host}{request.PathBase}"
            : options.PublicBaseUrl.TrimEnd('/');
}
