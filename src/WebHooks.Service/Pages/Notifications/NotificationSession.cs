using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using WebHooks.Accounts;
using WebHooks.Service.Pages.Shared;

namespace WebHooks.Service.Pages.Notifications;

/// <summary>
/// The sign-in of the account's pages (/notifications and /account): a cookie (encrypted by ASP.NET Core data protection) naming the
/// account and a stamp of its password hash, so that removing the account or changing its password ends it.
/// </summary>
public sealed class NotificationSession(AccountService accounts)
{
    private const string StampClaim = "webhooks:stamp";

    /// <summary>The sign-in page of both account pages.</summary>
    public const string SignInPath = "/notifications/signin";

    /// <summary>Sends the browser to the sign-in, which leads to <paramref name="next"/> (the notifications when null).</summary>
    public static IResult ToSignIn(HttpContext context, string? next = null) =>
        Results.Redirect(context.Request.PathBase + SignInPath + (next is null ? "" : "?next=" + next));

    /// <summary>The signed-in account, or null.</summary>
    public async Task<string?> AccountAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(NotificationPages.CookieScheme);
        if (!result.Succeeded || result.Principal?.Identity?.Name is not { } name) return null;
        var account = await accounts.FindAsync(name);
        return account is not null && result.Principal.FindFirstValue(StampClaim) == Stamp(account.PasswordHash) ? account.Name : null;
    }

    /// <summary>Checks the credentials (throttled like every login) and starts a session; false when they are wrong.</summary>
    public async Task<bool> SignInAsync(HttpContext context, string? name, string? password)
    {
        var account = await accounts.AuthenticateAsync(name, password);
        if (account is null || await accounts.FindAsync(account) is not { } document) return false;
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, account), new Claim(StampClaim, Stamp(document.PasswordHash))],
            NotificationPages.CookieScheme);
        await context.SignInAsync(NotificationPages.CookieScheme, new ClaimsPrincipal(identity),
            new AuthenticationProperties { IsPersistent = false });
        return true;
    }

    public Task SignOutAsync(HttpContext context) => context.SignOutAsync(NotificationPages.CookieScheme);

    /// <summary>"Signed in as NAME" with the sign-out button, at the top of both account pages.</summary>
    public static string SignedInAs(HttpContext context, string account) => $"""
        <form method="post" action="{PageFrame.E(context.Request.PathBase + "/notifications/signout")}" class="inline">
        <p class="muted">Signed in as <strong>{PageFrame.E(account)}</strong>.
        {PageForms.AntiforgeryField(context)}<button type="submit">Sign out</button></p>
        </form>
        """;

    private static string Stamp(string passwordHash) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(passwordHash)), 0, 16);
}
