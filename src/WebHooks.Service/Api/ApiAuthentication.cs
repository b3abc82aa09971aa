using System.Net.Http.Headers;
using System.Text;
using WebHooks.Accounts;

namespace WebHooks.Service.Api;

/// <summary>
/// The one authentication of every <c>/api/*</c> endpoint (spec 10): an API key, as <c>X-API-Key: KEY</c> or
/// <c>Authorization: Bearer KEY</c>, or HTTP Basic with the account's name and password. Passwords go through the
/// login throttle of <see cref="AccountService"/>; keys do not (nothing slow is computed for them), and unknown keys
/// count against the client in <see cref="FailedApiKeyLimiter"/>.
/// </summary>
public static class ApiAuthentication
{
    public const string ApiKeyHeader = "X-API-Key";
    private const string AccountItem = "webhooks:api-account";

    /// <summary>Lets a request through to the group's endpoints only with valid credentials; the account is then <see cref="ApiAccount"/>.</summary>
    public static RouteGroupBuilder RequireApiCaller(this RouteGroupBuilder group) => group.AddEndpointFilter(async (context, next) =>
    {
        var http = context.HttpContext;
        var (account, refusal) = await AuthenticateAsync(http);
        if (account is null) return refusal;
        http.Items[AccountItem] = account;
        return await next(context);
    });

    /// <summary>The (normalised) account of a request that <see cref="RequireApiCaller"/> let through.</summary>
    public static string ApiAccount(this HttpContext context) =>
        context.Items[AccountItem] as string ?? throw new InvalidOperationException("the endpoint is not behind RequireApiCaller");

    private static async Task<(string? Account, IResult? Refusal)> AuthenticateAsync(HttpContext http)
    {
        var request = http.Request;
        if (request.Headers.TryGetValue(ApiKeyHeader, out var key)) return await KeyAsync(http, key.ToString());
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header) || header.Parameter is null)
            return (null, Challenge(http, "authentication required: an API key (X-API-Key: KEY or Authorization: Bearer KEY) or HTTP Basic with the account's name and password"));
        if ("Bearer".Equals(header.Scheme, StringComparison.OrdinalIgnoreCase)) return await KeyAsync(http, header.Parameter);
        if (!"Basic".Equals(header.Scheme, StringComparison.OrdinalIgnoreCase))
            return (null, Challenge(http, $"unsupported authentication scheme {header.Scheme}: use an API key (X-API-Key or Bearer) or HTTP Basic"));

        var account = await BasicAsync(header.Parameter, http.RequestServices.GetRequiredService<AccountService>());
        return account is null ? (null, Challenge(http, "login failed: wrong name or password, or too many failed logins lately")) : (account, null);
    }

    private static async Task<(string? Account, IResult? Refusal)> KeyAsync(HttpContext http, string key)
    {
        var (check, account) = await http.RequestServices.GetRequiredService<ApiKeys>().AuthenticateAsync(key.Trim());
        switch (check)
        {
            case ApiKeyCheck.Valid:
                return (account, null);
            case ApiKeyCheck.Throttled:
                http.Response.Headers.RetryAfter = "60";
                return (null, Results.Json(new { error = "too many unknown API keys from this address; try again in a minute" },
                    statusCode: StatusCodes.Status429TooManyRequests));
            default:
                return (null, Challenge(http, "invalid API key: unknown or revoked"));
        }
    }

    private static async Task<string?> BasicAsync(string parameter, AccountService accounts)
    {
        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter)); }
        catch (FormatException) { return null; }
        var colon = decoded.IndexOf(':');
        return colon <= 0 ? null : await accounts.AuthenticateAsync(decoded[..colon], decoded[(colon + 1)..]);
    }

    private static IResult Challenge(HttpContext http, string error)
    {
        http.Response.Headers.WWWAuthenticate = new(["Basic realm=\"webhooks\", charset=\"UTF-8\"", "Bearer realm=\"webhooks\""]);
        return Results.Json(new { error }, statusCode: StatusCodes.Status401Unauthorized);
    }
}
