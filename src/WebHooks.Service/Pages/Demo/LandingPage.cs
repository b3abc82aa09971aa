using System.Text;
using WebHooks.Management;
using static WebHooks.Service.Pages.Shared.PageFrame;

namespace WebHooks.Service.Pages.Demo;

/// <summary><c>/</c>: what the service is, where its contracts are, and the facts a customer needs first.</summary>
internal static class LandingPage
{
    private static readonly (ErrorCode Code, string Message, string When)[] Errors =
    [
        (ErrorCode.Ok, "successfully executed", ""),
        (ErrorCode.LoginFailed, "login failed", "unknown user, wrong password, or too many failed logins"),
        (ErrorCode.MissingParameter, "missing parameter: NAME", "a required parameter is absent or empty"),
        (ErrorCode.InvalidParameter, "invalid parameter: NAME: REASON", "e.g. unknown event (the message lists the valid names), bad URL, replayEvents not 0/1, limit not 1-100"),
        (ErrorCode.NotFound, "webhook not found", "no such id in this account"),
        (ErrorCode.LimitReached, "limit reached", "too many webhooks in the account"),
        (ErrorCode.Internal, "internal error", "anything unexpected; the details go to the service's log"),
    ];

    private static string ResultText(ResultShape shape) => shape switch
    {
        ResultShape.WebHook => "the new WebHook",
        ResultShape.WebHookList => "list of WebHook, oldest first",
        ResultShape.Activation => "Activation (webhook, replayedEvents, discardedEvents)",
        ResultShape.DeliveryList => "list of Delivery, newest first",
        _ => "the deleted webhook's id",
    };

    public static string Render(HttpRequest request, string baseUrl)
    {
        var b = request.PathBase.Value ?? "";
        var m = new StringBuilder();
        m.Append("<h1>Webhook service</h1>\n");
        m.Append("<p class=\"lead\">When a subscriber completes a double opt-in, an opt-out or a change in the profile manager, ");
        m.Append("the platform raises an event. A <em>webhook</em> connects such an event to a URL on your server: the service ");
        m.Append("then POSTs the event's data there as JSON, signed, retried when your server is down, and buffered for replay ");
        m.Append("when the webhook had to be deactivated. You manage your webhooks with a SOAP web service of six functions, or on your account page.</p>\n");
        m.Append($"<p><a class=\"button primary\" href=\"{E(b + "/demo")}\">Try it in the Web Service Demo</a></p>\n");

        m.Append("<h2>Endpoints</h2>\n<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Endpoints\">\n<table>\n");
        m.Append("<thead><tr><th scope=\"col\">what</th><th scope=\"col\">address</th><th scope=\"col\">for</th></tr></thead>\n<tbody>\n");
        Row(m, "SOAP, document/literal (SOAP 1.1 and 1.2)", $"POST {baseUrl}{ServiceFunctions.DocumentPath}",
            $"<a href=\"{E(b + ServiceFunctions.DocumentPath + "?wsdl")}\">WSDL</a>: WCF, Java, Python zeep, Node soap, PHP SoapClient with named parameters");
        Row(m, "SOAP, rpc/literal (SOAP 1.1)", $"POST {baseUrl}{ServiceFunctions.RpcPath}",
            $"<a href=\"{E(b + ServiceFunctions.RpcPath + "?wsdl")}\">WSDL</a>: legacy PHP scripts that pass the parameters in order");
        Row(m, "JSON", $"POST {baseUrl}/webservice/json/{{function}}", "scripts: parameters as form fields or a JSON object, the same envelope as JSON");
        Row(m, "Publish events", $"POST {baseUrl}/api/events", "the platform, an operator or a test (an API key, or HTTP Basic authentication)");
        Row(m, "REST hooks", $"POST {baseUrl}/api/hooks",
            $"subscriptions for automation platforms such as Zapier, with an API key: <a href=\"{E(b + Api.ApiDocument.Path)}\">OpenAPI document</a>");
        Row(m, "Notifications", $"GET {baseUrl}/api/notifications",
            $"deactivated webhooks, as JSON; as a page: <a href=\"{E(b + "/notifications")}\">notifications</a>");
        Row(m, "Account page", $"GET {baseUrl}/account", $"<a href=\"{E(b + "/account")}\">your webhooks</a>: their recent deliveries, activate, rotate the secret, send a test event, delete");
        Row(m, "Metrics", $"GET {baseUrl}/metrics", "Prometheus text format, for the operator");
        Row(m, "Health", $"GET {baseUrl}/healthz", $"<a href=\"{E(b + "/healthz")}\">200 when the store is reachable, else 503</a>");
        m.Append("</tbody>\n</table>\n</div>\n");

        m.Append("<h2>The functions</h2>\n");
        m.Append("<p>Every function takes <code>username</code> and <code>password</code> first, and returns the same envelope: ");
        m.Append("<code>error</code> (int), <code>message</code> and, when <code>error</code> is 0, <code>result</code>. ");
        m.Append("Business outcomes are never SOAP faults. An optional parameter sent empty means \"not given\".</p>\n");
        m.Append("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Functions\">\n<table>\n");
        m.Append("<thead><tr><th scope=\"col\">function</th><th scope=\"col\">parameters, in this order</th><th scope=\"col\">result</th></tr></thead>\n<tbody>\n");
        foreach (var f in ServiceFunctions.All)
        {
            var parameters = string.Join(", ", f.Parameters.Select(p =>
                $"<code>{E(p.Name)}</code>{(p.Required ? "" : " (optional)")}"));
            m.Append($"<tr><th scope=\"row\"><a href=\"{E(b + "/demo?function=" + f.Name)}\">{E(f.Name)}</a></th><td>{parameters}</td><td>{E(ResultText(f.Result))}</td></tr>\n");
        }
        m.Append("</tbody>\n</table>\n</div>\n");
        m.Append("<p>Events: ").Append(string.Join(", ", EventNames.All.Select(e => $"<code>{E(e)}</code>"))).Append(". ");
        m.Append("<code>WebHook</code> fields: <code>id</code>, <code>app</code>, <code>event</code>, <code>url</code>, <code>active</code> (1/0), ");
        m.Append("<code>created</code>, <code>deactivated</code> (<code>yyyy-MM-dd HH:mm:ss</code>, UTC), <code>bufferedEvents</code>, ");
        m.Append("<code>lastError</code>, <code>secret</code> (for checking the <code>webhook-signature</code> header). ");
        m.Append("<code>Delivery</code> fields: <code>eventId</code>, <code>event</code>, <code>attempt</code> (1 for the first try), ");
        m.Append("<code>created</code>, <code>status</code> (HTTP status, 0 without a response), <code>durationMs</code>, ");
        m.Append("<code>succeeded</code> (1/0), <code>error</code>; attempts are kept 7 days.</p>\n");

        m.Append("<h2>Error codes</h2>\n<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Error codes\">\n<table>\n");
        m.Append("<thead><tr><th scope=\"col\">error</th><th scope=\"col\">message (start)</th><th scope=\"col\">when</th></tr></thead>\n<tbody>\n");
        foreach (var (code, message, when) in Errors)
            m.Append($"<tr><td>{(int)code}</td><td><code>{E(message)}</code></td><td>{E(when)}</td></tr>\n");
        m.Append("</tbody>\n</table>\n</div>\n");

        m.Append("<h2>Publishing events</h2>\n");
        m.Append("<p><code>POST /api/events</code> with HTTP Basic authentication (the account's credentials) and a JSON body ");
        m.Append("(<code>Content-Type: application/json</code>); ");
        m.Append("<code>data</code> is what every matching webhook's URL receives. The reply is <code>202</code> with ");
        m.Append("<code>{\"eventId\":\"…\",\"webhooks\":N}</code> once the event is stored; the same <code>idempotencyKey</code> ");
        m.Append("within 24 hours stores nothing new.</p>\n");
        m.Append("<pre tabindex=\"0\"><code>");
        m.Append(E($"curl -sS -u USERNAME:PASSWORD {baseUrl}/api/events \\\n  -H 'Content-Type: application/json' \\\n" +
                   "  -d '{\"event\":\"optin_finalized\",\"data\":{\"id\":371,\"subscriber_id\":6049065},\"idempotencyKey\":\"optin-371\"}'"));
        m.Append("</code></pre>\n");
        m.Append("<p>Deliveries carry the headers <code>webhook-id</code>, <code>webhook-timestamp</code>, <code>webhook-signature</code> ");
        m.Append("(Standard Webhooks, HMAC-SHA256 with the webhook's secret) and <code>webhook-event</code>. A URL that fails again and ");
        m.Append("again is deactivated; you get a notification with a link to reactivate it, and the events of the next 5 days are ");
        m.Append("kept for replay.</p>\n");
        return Document(request, "Webhook service", m.ToString());
    }

    private static void Row(StringBuilder m, string what, string address, string forHtml) =>
        m.Append($"<tr><th scope=\"row\">{E(what)}</th><td><code>{E(address)}</code></td><td>{forHtml}</td></tr>\n");
}
