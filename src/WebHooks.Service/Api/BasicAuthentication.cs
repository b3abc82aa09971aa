using System.Net.Http.Headers;
using System.Text;
using WebHooks.Accounts;

namespace WebHooks.Service.Api;

/// <summary>HTTP Basic with the account's credentials, for the REST endpoints (spec 4 and 6).</summary>
public static class BasicAuthentication
{
    /// <summary>The (normalised) account named by valid Basic credentials, else null.</summary>
    public static async Task<string?> AccountAsync(HttpRequest request, AccountService accounts)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !"Basic".Equals(header.Scheme, StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
            return null;
        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter)); }
        catch (FormatException) { return null; }
        var colon = decoded.IndexOf(':');
        return colon <= 0 ? null : await accounts.AuthenticateAsync(decoded[..colon], decoded[(colon + 1)..]);
    }

    public static IResult Challenge() => Results.Json(
        new { error = "authentication required: HTTP Basic with the account's name and password" },
        statusCode: StatusCodes.Status401Unauthorized);

    /// <summary>Adds the WWW-Authenticate header to 401 answers of these endpoints.</summary>
    public static TBuilder WithBasicChallenge<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            if (result is IStatusCodeHttpResult { StatusCode: StatusCodes.Status401Unauthorized })
                context.HttpContext.Response.Headers.WWWAuthenticate = "Basic realm=\"webhooks\", charset=\"UTF-8\"";
            return result;
        });
}
