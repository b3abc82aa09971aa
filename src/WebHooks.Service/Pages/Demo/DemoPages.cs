using WebHooks.Service.Pages.Demo.Snippets;
using WebHooks.Service.Pages.Shared;

namespace WebHooks.Service.Pages.Demo;

/// <summary>The landing page, the Web Service Demo and the health check (spec 7).</summary>
public static class DemoPages
{
    public static void MapDemoPages(this WebApplication app)
    {
        var development = app.Environment.IsDevelopment();

        app.MapGet("/", (HttpContext context, WebHooksOptions options) =>
            PageFrame.Respond(context, LandingPage.Render(context.Request, PublicBaseUrl.Of(context.Request, options))));

        // POST renders the page with the entered values: the form works (code only) without JavaScript.
        app.MapMethods("/demo", ["GET", "POST"], async (HttpContext context, WebHooksOptions options) =>
        {
            if (await ReadValues(context.Request) is not { } entered) return ValueTooLong;
            var function = ServiceFunctions.Find(entered.GetValueOrDefault("function")) ?? ServiceFunctions.CreateWebHook;
            var values = DemoPage.Defaults(function, development);
            if (HttpMethods.IsPost(context.Request.Method)) values.Clear();
            foreach (var (key, value) in entered) values[key] = value;
            var snapshot = Snapshot(context.Request, options, function, values);
            return PageFrame.Respond(context, DemoPage.Render(context.Request, function, values, snapshot, development));
        }).DisableAntiforgery().WithBodyLimit(RequestLimits.MaxPageFormBytes, RequestLimits.MaxDemoValueChars);

        // The envelope and the sample code for the values entered; the page's script asks as the fields change.
        app.MapMethods("/demo/snippets", ["GET", "POST"], async (HttpContext context, WebHooksOptions options) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            if (await ReadValues(context.Request) is not { } values) return ValueTooLong;
            var function = ServiceFunctions.Find(values.GetValueOrDefault("function"));
            if (function is null)
                return Results.BadRequest(new { error = $"unknown function; the functions are {string.Join(", ", ServiceFunctions.All.Select(f => f.Name))}" });
            return Results.Json(Snapshot(context.Request, options, function, values));
        }).DisableAntiforgery().WithBodyLimit(RequestLimits.MaxPageFormBytes, RequestLimits.MaxDemoValueChars);

        app.MapSiteAssets();
        app.MapGet("/healthz", HealthCheck.Handle);
    }

    private static DemoSnapshot Snapshot(HttpRequest request, WebHooksOptions options, ServiceFunction function, IReadOnlyDictionary<string, string?> values) =>
        DemoSnapshot.Of(new FunctionCall(function, values, PublicBaseUrl.Of(request, options)), request.PathBase.Value ?? "");

    // Every value is shown several times over (the fields, the envelope, each snippet): none is longer than a parameter can be.
    private static readonly IResult ValueTooLong = RequestLimits.TooLarge($"a value is longer than {RequestLimits.MaxDemoValueChars} characters");

    /// <summary>The query string, and on POST the form fields (which win); null when a value is too long to show.</summary>
    private static async Task<Dictionary<string, string?>?> ReadValues(HttpRequest request)
    {
        var values = request.Query.ToDictionary(q => q.Key, q => (string?)q.Value.ToString(), StringComparer.Ordinal);
        if (HttpMethods.IsPost(request.Method) && request.HasFormContentType)
        {
            // Over the endpoint's limits, the form reader throws and RequestLimits answers 413.
            foreach (var (key, value) in await request.ReadFormAsync()) values[key] = value.ToString();
        }
        return values.Values.Any(v => v?.Length > RequestLimits.MaxDemoValueChars) ? null : values;
    }
}
