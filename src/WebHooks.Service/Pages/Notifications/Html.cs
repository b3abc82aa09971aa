using System.Net;
using System.Text;

namespace WebHooks.Service.Pages.Notifications;

/// <summary>
/// The server-rendered pages' frame: one HTML document with its CSS inline, no script and no asset from
/// elsewhere. Every value that comes from data goes through <see cref="E"/>.
/// </summary>
internal static class Html
{
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    private const string Style =
        """
        :root{color-scheme:light;--ink:#1b1b1f;--muted:#55565c;--line:#c9cad1;--accent:#0a4fb4;--bad:#a1001b;--ok:#0b6b2f}
        *{box-sizing:border-box}
        body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#f6f6f8}
        header{background:#fff;border-bottom:1px solid var(--line);padding:.75rem 1.5rem}
        header p{margin:0;font-weight:600}
        main{max-width:52rem;margin:1.5rem auto;padding:0 1.5rem}
        h1{font-size:1.5rem;margin:0 0 1rem}
        h2{font-size:1.15rem;margin:0 0 .5rem}
        a{color:var(--accent)}
        .card{background:#fff;border:1px solid var(--line);border-radius:.5rem;padding:1rem 1.25rem;margin:0 0 1rem}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0 0 1rem}
        dt{font-weight:600;color:var(--muted)}
        dd{margin:0;overflow-wrap:anywhere}
        .notice{border-left:4px solid var(--accent);background:#eef3fc;padding:.75rem 1rem;margin:0 0 1rem}
        .notice.bad{border-color:var(--bad);background:#fcefef}
        .notice.ok{border-color:var(--ok);background:#edf7f0}
        .actions{display:flex;flex-wrap:wrap;gap:.75rem;margin:0}
        button{font:inherit;padding:.55rem 1rem;border-radius:.375rem;border:1px solid var(--accent);background:#fff;color:var(--accent);cursor:pointer}
        button.primary{background:var(--accent);color:#fff}
        button:hover{text-decoration:underline}
        a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid #f0a400;outline-offset:2px}
        label{display:block;font-weight:600;margin:.75rem 0 .25rem}
        input{font:inherit;width:100%;max-width:22rem;padding:.45rem .6rem;border:1px solid #7b7c85;border-radius:.375rem}
        form.inline{display:inline}
        .muted{color:var(--muted)}
        ol.list{list-style:none;padding:0;margin:0}
        """;

    /// <summary>A whole page.</summary>
    public static IResult Page(HttpContext context, string title, string body, int statusCode = StatusCodes.Status200OK)
    {
        var response = context.Response;
        // The reactivation token is in the URL: it must not travel on in a Referer header, nor be cached.
        response.Headers.CacheControl = "no-store";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers.ContentSecurityPolicy =
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

        var html = new StringBuilder()
            .Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"robots\" content=\"noindex, nofollow\">\n")
            .Append("<title>").Append(E(title)).Append(" – Webhooks</title>\n<style>").Append(Style).Append("</style>\n</head>\n<body>\n")
            .Append("<header><p>Webhooks · system notifications</p></header>\n<main>\n")
            .Append("<h1>").Append(E(title)).Append("</h1>\n")
            .Append(body)
            .Append("\n</main>\n</body>\n</html>\n")
            .ToString();
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, statusCode);
    }

    public static string Notice(string text, string kind = "", bool alert = false) =>
        $"<p class=\"notice {kind}\" role=\"{(alert ? "alert" : "status")}\">{text}</p>";

    public static string Hidden(string name, string value) =>
        $"<input type=\"hidden\" name=\"{E(name)}\" value=\"{E(value)}\">";

    public static string Time(DateTime? utc) =>
        utc is { } t ? $"<time datetime=\"{t:yyyy-MM-ddTHH:mm:ssZ}\">{t:yyyy-MM-dd HH:mm:ss} UTC</time>" : "";
}
