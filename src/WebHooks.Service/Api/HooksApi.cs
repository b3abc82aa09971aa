using System.Text.Json;
using WebHooks.Management;
using WebHooks.Service.Wire;
using WebHooks.Storage;
using WireWebHook = WebHooks.Service.Wire.WebHook;

namespace WebHooks.Service.Api;

/// <summary>
/// REST hooks (spec 10): subscribe a URL to an event with <c>POST /api/hooks</c>, list, read and delete webhooks. The
/// same operations, validation and ids as <c>CreateWebHook</c> and <c>DeleteWebHookById</c>; a webhook made here is a
/// <see cref="WebHookOrigin.RestHook"/>, deleted (not deactivated) when its URL answers 410 Gone.
/// </summary>
public static class HooksApi
{
    /// <summary>The <c>app</c> of a subscription that names none: automation platforms do not.</summary>
    public const string DefaultApp = "zapier";

    public sealed record Subscription(string Event, string Url, string? App = null);

    public static void MapHooksApi(this IEndpointRouteBuilder api)
    {
        api.MapPost("/hooks", CreateAsync).DisableAntiforgery().WithBodyLimit(RequestLimits.MaxManagementBodyBytes)
            .WithName("CreateHook").WithSummary("Subscribes a URL to an event (a REST hook)")
            .WithJsonBody<Subscription>()
            .Produces<WireWebHook>(StatusCodes.Status201Created).Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status409Conflict).Produces<ApiError>(StatusCodes.Status415UnsupportedMediaType);
        api.MapGet("/hooks", ListAsync)
            .WithName("ListHooks").WithSummary("The account's webhooks, oldest first (those made by SOAP too)")
            .Produces<WireWebHook[]>();
        api.MapGet("/hooks/{id:int}", GetAsync)
            .WithName("GetHook").WithSummary("One webhook of the account")
            .Produces<WireWebHook>().Produces<ApiError>(StatusCodes.Status404NotFound);
        api.MapDelete("/hooks/{id:int}", DeleteAsync)
            .WithName("DeleteHook").WithSummary("Deletes the webhook with everything queued or buffered for it (unsubscribes)")
            .Produces(StatusCodes.Status204NoContent).Produces<ApiError>(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, WebHookOperations operations)
    {
        if (!JsonRequestBody.IsJsonContentType(http.Request.ContentType))
            return ApiError.Status(StatusCodes.Status415UnsupportedMediaType, "the body must be JSON, sent as Content-Type: application/json");
        var read = await JsonRequestBody.ReadAsync(http.Request);
        if (read.Document is null) return ApiError.BadRequest(read.Problem!);
        using var body = read.Document;
        if (body.RootElement.ValueKind != JsonValueKind.Object)
            return ApiError.BadRequest("the body must be a JSON object: {\"event\": ..., \"url\": ..., \"app\": ... (optional)}");

        string? eventName, url, app;
        try
        {
            eventName = Text(body.RootElement, "event");
            url = Text(body.RootElement, "url");
            app = Text(body.RootElement, "app");
        }
        catch (FormatException e)
        {
            return ApiError.BadRequest(e.Message);
        }

        var created = await operations.CreateAsync(http.ApiAccount(), string.IsNullOrEmpty(app) ? DefaultApp : app, eventName, url, WebHookOrigin.RestHook);
        return created.Error switch
        {
            ErrorCode.Ok => Results.Created($"/api/hooks/{created.Result!.Id}", WireWebHook.From(created.Result)),
            ErrorCode.LimitReached => ApiError.Status(StatusCodes.Status409Conflict, created.Message),
            ErrorCode.MissingParameter or ErrorCode.InvalidParameter => ApiError.BadRequest(created.Message),
            _ => ApiError.Status(StatusCodes.Status500InternalServerError, created.Message),
        };
    }

    private static async Task<IResult> ListAsync(HttpContext http, WebHookOperations operations) =>
        Results.Json((await operations.ListAsync(http.ApiAccount())).Select(WireWebHook.From).ToArray());

    private static async Task<IResult> GetAsync(int id, HttpContext http, WebHookOperations operations) =>
        await operations.FindAsync(http.ApiAccount(), id) is { } webHook ? Results.Json(WireWebHook.From(webHook)) : NotFound();

    private static async Task<IResult> DeleteAsync(int id, HttpContext http, WebHookOperations operations) =>
        await operations.DeleteAsync(http.ApiAccount(), id) ? Results.NoContent() : NotFound();

    private static IResult NotFound() => ApiError.Status(StatusCodes.Status404NotFound, "webhook not found");

    /// <summary>A string member, or null when it is absent or null.</summary>
    /// <exception cref="FormatException">It is there, but not a string.</exception>
    private static string? Text(JsonElement body, string name) =>
        !body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new FormatException($"invalid parameter: {name}: must be a string");
}
