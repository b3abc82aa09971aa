using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using WebHooks.Events;
using WebHooks.Service.Wire;

namespace WebHooks.Service.Api;

/// <summary><c>POST /api/events</c>: the platform publishes an event (spec 4).</summary>
public static class EventsApi
{
    public sealed record Publication(string Event, JsonElement Data, string? IdempotencyKey = null);

    public sealed record PublishReply(string EventId, [property: JsonPropertyName("webhooks")] int WebHooks);

    public static void MapEventsApi(this IEndpointRouteBuilder api) =>
        api.MapPost("/events", Publish).DisableAntiforgery()
            .WithName("PublishEvent").WithSummary("Publishes an event of the account")
            .WithJsonBody<Publication>()
            .Produces<PublishReply>(StatusCodes.Status202Accepted).Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status413PayloadTooLarge).Produces<ApiError>(StatusCodes.Status415UnsupportedMediaType);

    private static async Task<IResult> Publish(HttpRequest request, EventIntake intake, WebHooksOptions options)
    {
        var account = request.HttpContext.ApiAccount();
        // JSON only: a browser can post text/plain or a form to any site, with credentials it remembers.
        if (!JsonRequestBody.IsJsonContentType(request.ContentType))
            return Results.Json(new { error = "the body must be JSON, sent as Content-Type: application/json (or application/*+json; charset utf-8 if given)" },
                statusCode: StatusCodes.Status415UnsupportedMediaType);

        var limit = options.Limits.MaxEventBytes;
        if (request.ContentLength > limit) return TooLarge(limit);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            feature.MaxRequestBodySize = limit;

        JsonDocument body;
        try
        {
            var read = await JsonRequestBody.ReadAsync(request);
            if (read.Document is null) return Problem(read.Problem!);
            body = read.Document;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limit);
        }

        using (body)
        {
            if (body.RootElement.ValueKind != JsonValueKind.Object) return Problem("the body must be a JSON object with event and data");
            var root = body.RootElement;
            var eventName = root.TryGetProperty("event", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            var data = root.TryGetProperty("data", out var d) ? d : default;
            string? key = null;
            if (root.TryGetProperty("idempotencyKey", out var k) && k.ValueKind != JsonValueKind.Null)
            {
                if (k.ValueKind != JsonValueKind.String) return Problem("idempotencyKey must be a string");
                key = k.GetString();
            }
            if (EventIntake.Validate(eventName, data, key) is { } problem) return Problem(problem);

            var published = await intake.PublishAsync(account, eventName!, data.GetRawText(), key);
            return Results.Json(new PublishReply(published.EventId, published.WebHooks), statusCode: StatusCodes.Status202Accepted);
        }
    }

    private static IResult Problem(string error) => ApiError.BadRequest(error);

    private static IResult TooLarge(int limit) =>
        Results.Json(new { error = $"the body is larger than {limit} bytes" }, statusCode: StatusCodes.Status413PayloadTooLarge);
}
