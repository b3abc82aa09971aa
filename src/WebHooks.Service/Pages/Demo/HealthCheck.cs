using WebHooks.Storage;

namespace WebHooks.Service.Pages.Demo;

/// <summary><c>GET /healthz</c>: 200 when the store answers, 503 when it does not.</summary>
internal static class HealthCheck
{
    public static async Task<IResult> Handle(HttpContext context, IWebHooksStorage storage)
    {
        context.Response.Headers.CacheControl = "no-store";
        var ok = await storage.Maintenance.PingAsync(context.RequestAborted);
        return Results.Json(
            new { status = ok ? "ok" : "unavailable", store = ok ? "reachable" : "unreachable" },
            statusCode: ok ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
