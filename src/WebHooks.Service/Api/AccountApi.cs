namespace WebHooks.Service.Api;

/// <summary><c>GET /api/me</c>: who the credentials belong to; automation platforms use it to test a connection (spec 10).</summary>
public static class AccountApi
{
    public sealed record Me(string Account);

    public static void MapAccountApi(this IEndpointRouteBuilder api) =>
        api.MapGet("/me", (HttpContext context) => TypedResults.Ok(new Me(context.ApiAccount())))
            .WithName("GetMe").WithSummary("The account the credentials belong to (a connection test)");
}
