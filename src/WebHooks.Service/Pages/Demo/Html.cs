using System.Net;
using System.Text;

namespace WebHooks.Service.Pages.Demo;

/// <summary>The frame shared by the landing page and the demo: head, navigation, footer.</summary>
internal static class Html
{
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>Every asset comes from the service itself; nothing is loaded from elsewhere.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    public static string Page(HttpRequest request, string title, string current, string main, bool withScript = false)
    {
        var b = request.PathBase.Value ?? "";
        string Nav(string href, string label) =>
            $"<li><a href=\"{E(b + href)}\"{(href == current ? " aria-current=\"page\"" : "")}>{E(label)}</a></li>";

        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        page.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        page.Append($"<title>{E(title)}</title>\n");
        page.Append("<link rel=\"icon\" href=\"data:,\">\n"); // no favicon request
        page.Append($"<link rel=\"stylesheet\" href=\"{E(b + DemoAssets.StylePath)}\">\n");
        if (withScript) page.Append($"<script src=\"{E(b + DemoAssets.ScriptPath)}\" defer></script>\n");
        page.Append("</head>\n<body>\n");
        page.Append("<a class=\"skip\" href=\"#main\">Skip to content</a>\n");
        page.Append("<header class=\"top\"><nav aria-label=\"Main\"><ul>\n");
        page.Append(Nav("/", "Webhook service"));
        page.Append(Nav("/demo", "Web Service Demo"));
        page.Append(Nav("/notifications", "Notifications"));
        page.Append(Nav("/webservice/soap?wsdl", "WSDL"));
        page.Append("</ul></nav></header>\n");
        page.Append("<main id=\"main\" tabindex=\"-1\">\n").Append(main).Append("</main>\n");
        page.Append("<footer><p>Webhook service ");
        page.Append(E(typeof(Html).Assembly.GetName().Version?.ToString(3)));
        page.Append($" · <a href=\"{E(b + "/healthz")}\">health</a></p></footer>\n");
        page.Append("</body>\n</html>\n");
        return page.ToString();
    }

    public static IResult Result(HttpContext context, string html)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        return Results.Content(html, "text/html; charset=utf-8");
    }
}
