namespace WebHooks.Service.Pages.Account;

/// <summary>
/// The account page, for the customer who does not write SOAP, signed in as on the notification page (one cookie):
/// <list type="bullet">
/// <item><c>GET /account</c>: the account's webhooks, each with its state, buffer, last error and recent delivery attempts;
/// it changes nothing (else to the sign-in page);</item>
/// <item><c>POST /account/webhooks/{id}/activate|rotate|test|delete</c>: the actions, each a form with antiforgery, each
/// through the engine's own code (WebHookActivation, WebHookOperations, EventIntake).</item>
/// </list>
/// </summary>
public static class AccountPages
{
    public static IServiceCollection AddAccountPages(this IServiceCollection services) => services.AddSingleton<AccountPage>();

    public static void MapAccountPages(this WebApplication app)
    {
        var pages = app.MapGroup("/account").ExcludeFromDescription().WithBodyLimit(RequestLimits.MaxPageFormBytes);
        pages.MapGet("", (HttpContext c, AccountPage page) => page.ShowAsync(c));
        pages.MapPost("/webhooks/{id:int}/activate", (HttpContext c, int id, AccountPage page) => page.ActivateAsync(c, id));
        pages.MapPost("/webhooks/{id:int}/rotate", (HttpContext c, int id, AccountPage page) => page.RotateAsync(c, id));
        pages.MapPost("/webhooks/{id:int}/test", (HttpContext c, int id, AccountPage page) => page.SendTestAsync(c, id));
        pages.MapPost("/webhooks/{id:int}/delete", (HttpContext c, int id, AccountPage page) => page.DeleteAsync(c, id));
    }
}
