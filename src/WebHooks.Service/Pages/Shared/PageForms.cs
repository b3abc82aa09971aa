using Microsoft.AspNetCore.Antiforgery;

namespace WebHooks.Service.Pages.Shared;

/// <summary>The forms of the pages: every POST carries an antiforgery token, and one without it changes nothing.</summary>
internal static class PageForms
{
    /// <summary>The antiforgery hidden field for a form on this response.</summary>
    public static string AntiforgeryField(HttpContext context)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return PageFrame.Hidden(tokens.FormFieldName, tokens.RequestToken ?? "");
    }

    /// <summary>A POST whose antiforgery token is missing or wrong gets this page and changes nothing.</summary>
    public static async Task<IResult?> RejectForgedPostAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
            return PageFrame.Page(context, "Form expected", PageFrame.Notice("This address takes the form of its page only.", "bad", alert: true), StatusCodes.Status400BadRequest);
        if (await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context)) return null;
        return PageFrame.Page(context, "Form expired",
            PageFrame.Notice("The form could not be verified (it expired, or was not sent from this site). Nothing was changed. " +
                             "Go back, reload the page and try again.", "bad", alert: true),
            StatusCodes.Status400BadRequest);
    }
}
