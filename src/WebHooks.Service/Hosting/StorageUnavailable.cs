using WebHooks.Storage;

namespace WebHooks.Service.Hosting;

public static class StorageUnavailable
{
    /// <summary>While the store cannot be written (a full disk, a database away), requests get 503 with a JSON error, not a 500 with nothing.</summary>
    public static void UseStorageUnavailableAs503(this WebApplication app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (StorageUnavailableException e) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "5";
            await context.Response.WriteAsJsonAsync(new { error = $"the service cannot store anything now: {e.Message}" });
        }
    });
}
