using WebHooks.Storage;

namespace WebHooks.Service.Pages.Demo;

/// <summary><c>GET /healthz</c>: 200 when the store answers, 503 when it does not.</summary>
internal static class HealthCheck
{
    public static IResult Handle(HttpContext context, Store store)
    {
        context.Response.Headers.CacheControl = "no-store";
        var ok = store.Ping();
        return Results.Json(
            new { status = ok ? "ok" : "unavailable", store = ok ? "reachable" : "unreachable" },
            statusCode: ok ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
