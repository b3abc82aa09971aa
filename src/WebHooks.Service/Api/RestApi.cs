namespace WebHooks.Service.Api;

/// <summary>The JSON API under <c>/api</c> (spec 4, 6 and 10): every endpoint behind <see cref="ApiAuthentication"/>.</summary>
public static class RestApi
{
    public const string Tag = "REST API";

    public static void MapRestApi(this WebApplication app)
    {
        var api = app.MapGroup("/api").RequireApiCaller().WithTags(Tag);
        api.MapAccountApi();
        api.MapEventsApi();
        api.MapRecentEventsApi();
        api.MapHooksApi();
        api.MapNotificationsApi();
    }
}
