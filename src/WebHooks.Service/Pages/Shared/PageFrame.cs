using System.Net;
using System.Text;

namespace WebHooks.Service.Pages.Shared;

/// <summary>
/// The one frame of every page (landing, demo, account, notifications): head, navigation to all of them, footer, the
/// one style sheet the service serves, and the same strict headers. Every value that comes from data goes through
/// <see cref="E"/>.
/// </summary>
internal static class PageFrame
{
    public const string ServiceName = "Webhook service";

    /// <summary>Every asset comes from the service itself; no inline style or script.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private static readonly (string Href, string Label)[] Navigation =
    [
        ("/", ServiceName),
        ("/demo", "Web Service Demo"),
        ("/account", "Your webhooks"),
        ("/notifications", "Notifications"),
        ("/webservice/soap?wsdl", "WSDL"),
    ];

    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>A whole HTML document around <paramref name="main"/> (which brings its own heading).</summary>
    /// <param name="narrow">A reading width, for pages of text and forms; the demo and the account page use the full width.</param>
    public static string Document(HttpRequest request, string title, string main, bool withScript = false, bool narrow = false)
    {
        var b = request.PathBase.Value ?? "";
        var section = Section(request.Path.Value);
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        page.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        // Reactivation links carry their token in the URL: it must not travel on in a Referer header.
        page.Append("<meta name=\"referrer\" content=\"no-referrer\">\n");
        if (section is "/account" or "/notifications") page.Append("<meta name=\"robots\" content=\"noindex, nofollow\">\n");
        page.Append($"<title>{E(title == ServiceName ? title : $"{title} – {ServiceName}")}</title>\n");
        page.Append("<link rel=\"icon\" href=\"data:,\">\n"); // no favicon request
        page.Append($"<link rel=\"stylesheet\" href=\"{E(b + SiteAssets.StylePath)}\">\n");
        if (withScript) page.Append($"<script src=\"{E(b + SiteAssets.DemoScriptPath)}\" defer></script>\n");
        page.Append("</head>\n<body>\n");
        page.Append("<a class=\"skip\" href=\"#main\">Skip to content</a>\n");
        page.Append("<header class=\"top\"><nav aria-label=\"Main\"><ul>\n");
        foreach (var (href, label) in Navigation)
            page.Append($"<li><a href=\"{E(b + href)}\"{(href == section ? " aria-current=\"page\"" : "")}>{E(label)}</a></li>\n");
        page.Append("</ul></nav></header>\n");
        page.Append($"<main id=\"main\" tabindex=\"-1\"{(narrow ? " class=\"narrow\"" : "")}>\n").Append(main).Append("\n</main>\n");
        page.Append("<footer><p>").Append(ServiceName).Append(' ');
        page.Append(E(typeof(PageFrame).Assembly.GetName().Version?.ToString(3)));
        page.Append($" · <a href=\"{E(b + "/healthz")}\">health</a> · <a href=\"{E(b + "/metrics")}\">metrics</a></p></footer>\n");
        page.Append("</body>\n</html>\n");
        return page.ToString();
    }

    /// <summary>A page of text or forms: its title as the heading, at reading width.</summary>
    public static IResult Page(HttpContext context, string title, string body, int statusCode = StatusCodes.Status200OK) =>
        Respond(context, Document(context.Request, title, $"<h1>{E(title)}</h1>\n{body}", narrow: true), statusCode);

    /// <summary>The response, with the headers every page has.</summary>
    public static IResult Respond(HttpContext context, string html, int statusCode = StatusCodes.Status200OK)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, statusCode);
    }

    public static string Notice(string html, string kind = "", bool alert = false) =>
        $"<p class=\"notice {kind}\" role=\"{(alert ? "alert" : "status")}\">{html}</p>";

    public static string Hidden(string name, string value) =>
        $"<input type=\"hidden\" name=\"{E(name)}\" value=\"{E(value)}\">";

    public static string Time(DateTime? utc) =>
        utc is { } t ? $"<time datetime=\"{t:yyyy-MM-ddTHH:mm:ssZ}\">{t:yyyy-MM-dd HH:mm:ss} UTC</time>" : "";

    /// <summary>The navigation entry a path belongs to: its first segment.</summary>
    private static string Section(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "/") return "/";
        var end = path.IndexOf('/', 1);
        return end < 0 ? path : path[..end];
    }
}
