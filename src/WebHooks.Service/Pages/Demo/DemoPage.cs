using System.Text;
using static WebHooks.Service.Pages.Shared.PageFrame;

namespace WebHooks.Service.Pages.Demo;

/// <summary>
/// <c>/demo</c>: choose a function, fill in its parameters, run it, see the SOAP request and response,
/// copy the code. Rendered complete on the server (the code is right without JavaScript); the script
/// runs the call, decodes the reply and regenerates the code as the fields change.
/// </summary>
internal static class DemoPage
{
    public static string Render(HttpRequest request, ServiceFunction function, IReadOnlyDictionary<string, string?> values, DemoSnapshot snapshot, bool development)
    {
        var b = request.PathBase.Value ?? "";
        var m = new StringBuilder();
        m.Append("<h1>Web Service Demo</h1>\n");
        m.Append("<p class=\"lead\">Choose one of the functions of the webhook web service, fill in its parameters and run it ");
        m.Append("against this service. You see the SOAP request and response and the decoded result, and beside it sample code ");
        m.Append("with your values that runs unmodified.</p>\n");
        m.Append("<div class=\"demo\">\n<div class=\"demo-call\">\n");

        m.Append("<section aria-labelledby=\"call-heading\">\n<h2 id=\"call-heading\">Call a function</h2>\n");
        m.Append($"<form id=\"demo-form\" method=\"post\" action=\"{E(b + "/demo")}\" data-snippets-url=\"{E(b + "/demo/snippets")}\" novalidate>\n");

        m.Append("<div class=\"field\">\n<label for=\"function\">Function</label>\n");
        m.Append("<select id=\"function\" name=\"function\" aria-describedby=\"function-summary\">\n");
        foreach (var f in ServiceFunctions.All)
            m.Append($"<option value=\"{E(f.Name)}\" data-summary=\"{E(f.Summary)}\"{(f == function ? " selected" : "")}>{E(f.Name)}</option>\n");
        m.Append("</select>\n");
        m.Append($"<p class=\"hint\" id=\"function-summary\">{E(function.Summary)}</p>\n</div>\n");

        // username and password are the first two parameters of every function: one set of fields for all.
        var shared = ServiceFunctions.All[0].Parameters.Take(2).ToList();
        m.Append("<fieldset class=\"account\">\n<legend>Account</legend>\n");
        foreach (var p in shared) Field(m, "account", p, Value(values, p.Name));
        m.Append("</fieldset>\n");

        foreach (var f in ServiceFunctions.All)
        {
            var on = f == function;
            m.Append($"<fieldset data-function=\"{E(f.Name)}\"{(on ? "" : " hidden disabled")}>\n");
            m.Append($"<legend>Parameters of {E(f.Name)}</legend>\n");
            foreach (var p in f.Parameters.Skip(2)) Field(m, f.Name, p, on ? Value(values, p.Name) : Default(p, development));
            m.Append("</fieldset>\n");
        }

        m.Append("<div class=\"actions\">\n");
        m.Append("<button type=\"submit\" id=\"run\" class=\"primary\">Run</button>\n");
        m.Append("<noscript><p class=\"hint\">Running a function from this page needs JavaScript; without it, the button ");
        m.Append("updates the sample code, which you can run yourself.</p></noscript>\n");
        m.Append("</div>\n</form>\n</section>\n");

        m.Append("<section id=\"result\" aria-labelledby=\"result-heading\">\n<h2 id=\"result-heading\">Result</h2>\n");
        m.Append("<p id=\"status\" role=\"status\" aria-live=\"polite\">Not run yet.</p>\n");
        m.Append("<div id=\"decoded\"></div>\n");
        m.Append("<h3 id=\"request-heading\">SOAP request</h3>\n");
        m.Append("<pre class=\"xml\" id=\"soap-request\" tabindex=\"0\" aria-labelledby=\"request-heading\"><code>");
        m.Append(E(RequestText(snapshot))).Append("</code></pre>\n");
        m.Append("<h3 id=\"response-heading\">SOAP response</h3>\n");
        m.Append("<pre class=\"xml\" id=\"soap-response\" tabindex=\"0\" aria-labelledby=\"response-heading\"><code>(run the function to see it)</code></pre>\n");
        m.Append("</section>\n</div>\n");

        m.Append("<section class=\"demo-code\" aria-labelledby=\"code-heading\">\n<h2 id=\"code-heading\">Sample code</h2>\n");
        m.Append("<p class=\"hint\">Made with the values on the left; each program prints <code>error</code>, <code>message</code> ");
        m.Append("and the result. The code contains the password you entered.</p>\n");
        m.Append("<p id=\"problems\" class=\"problems\" role=\"alert\"");
        m.Append(snapshot.Problems.Count == 0 ? " hidden>" : ">").Append(E(string.Join("; ", snapshot.Problems))).Append("</p>\n");
        m.Append("<div class=\"tabs\" role=\"tablist\" aria-label=\"Language\" hidden>\n");
        for (var i = 0; i < snapshot.Snippets.Count; i++)
        {
            var s = snapshot.Snippets[i];
            m.Append($"<button type=\"button\" role=\"tab\" id=\"tab-{E(s.Id)}\" aria-controls=\"panel-{E(s.Id)}\" ");
            m.Append($"aria-selected=\"{(i == 0 ? "true" : "false")}\" tabindex=\"{(i == 0 ? "0" : "-1")}\">{E(s.TabLabel)}</button>\n");
        }
        m.Append("</div>\n");
        foreach (var s in snapshot.Snippets)
        {
            m.Append($"<section class=\"snippet\" id=\"panel-{E(s.Id)}\" data-snippet=\"{E(s.Id)}\" aria-labelledby=\"title-{E(s.Id)}\">\n");
            m.Append("<div class=\"snippet-head\">\n");
            m.Append($"<h3 id=\"title-{E(s.Id)}\">{E(s.Title)}</h3>\n");
            m.Append($"<button type=\"button\" class=\"copy\" data-copy=\"code-{E(s.Id)}\" aria-describedby=\"title-{E(s.Id)}\">Copy</button>\n");
            m.Append("</div>\n");
            m.Append($"<p class=\"hint\">Save as <code>{E(s.FileName)}</code>, run: <code class=\"run-hint\">{E(s.RunHint)}</code></p>\n");
            m.Append($"<pre tabindex=\"0\" aria-label=\"{E(s.Title)}\"><code id=\"code-{E(s.Id)}\">{E(s.Code)}</code></pre>\n");
            m.Append("</section>\n");
        }
        m.Append("</section>\n</div>\n");
        return Document(request, "Web Service Demo", m.ToString(), withScript: true);
    }

    /// <summary>The HTTP request as the script sends it; the script writes the same text after a run.</summary>
    public static string RequestText(DemoSnapshot s) =>
        $"POST {s.SoapPath}\nContent-Type: {s.ContentType}\nSOAPAction: \"{s.SoapAction}\"\n\n{s.Envelope}";

    /// <summary>What a field holds before the user types: a working example (demo/demo in Development).</summary>
    public static string Default(FunctionParameter p, bool development) => p.Name switch
    {
        "username" => development ? DevelopmentAccount.Name : "",
        "password" => development ? DevelopmentAccount.Password : "",
        "webhookId" => "",
        _ => p.Required ? p.Example : p.Default,
    };

    public static Dictionary<string, string?> Defaults(ServiceFunction function, bool development) =>
        function.Parameters.ToDictionary(p => p.Name, p => (string?)Default(p, development));

    private static string Value(IReadOnlyDictionary<string, string?> values, string name) => values.GetValueOrDefault(name) ?? "";

    private static void Field(StringBuilder m, string group, FunctionParameter p, string value)
    {
        var id = $"{group}-{p.Name}";
        var hintId = id + "-hint";
        var label = p.Required ? p.Label : p.Label + " (optional)";
        m.Append("<div class=\"field\">\n");
        m.Append($"<label for=\"{E(id)}\">{E(label)} <code class=\"name\">{E(p.Name)}</code></label>\n");
        var described = $" aria-describedby=\"{E(hintId)}\"";
        var required = p.Required ? " required aria-required=\"true\"" : "";
        if (p.Choices.Count > 0)
        {
            m.Append($"<select id=\"{E(id)}\" name=\"{E(p.Name)}\"{described}{required}>\n");
            if (!p.Required) m.Append($"<option value=\"\"{(value == "" ? " selected" : "")}>(not given)</option>\n");
            var selected = value == "" && p.Required ? p.Example : value;
            foreach (var c in p.Choices)
                m.Append($"<option value=\"{E(c)}\"{(c == selected ? " selected" : "")}>{E(c)}</option>\n");
            m.Append("</select>\n");
        }
        else
        {
            var type = p.Name == "password" ? "password" : p.Name == "url" ? "url" : "text";
            var extra = p.Type == ParameterType.Int ? " inputmode=\"numeric\" pattern=\"-?[0-9]*\"" : "";
            if (p.Name == "username") extra += " autocomplete=\"username\"";
            if (p.Name == "password") extra += " autocomplete=\"current-password\"";
            var placeholder = p.Example != "" ? $" placeholder=\"{E(p.Example)}\"" : "";
            m.Append($"<input id=\"{E(id)}\" name=\"{E(p.Name)}\" type=\"{type}\" value=\"{E(value)}\"{placeholder}{extra}{described}{required} spellcheck=\"false\">\n");
        }
        m.Append($"<p class=\"hint\" id=\"{E(hintId)}\">{E(p.Hint)}</p>\n");
        m.Append("</div>\n");
    }
}
