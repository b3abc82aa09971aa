using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using WebHooks.Events;
using WebHooks.Management;
using WebHooks.Service.Wire;
using WebHooks.Storage;

namespace WebHooks.Service.Api;

/// <summary>
/// <c>GET /api/events/recent?event=E&amp;limit=N</c> (spec 10): the account's last events of a type, newest first, for
/// automation platforms' sample data ("perform list"). They come from the ring of <see cref="RecentEvents"/>, so they
/// are there whether or not a webhook listened. With none yet, one example of the event's data, marked
/// <c>"example": true</c>.
/// </summary>
public static class RecentEventsApi
{
    public const int DefaultLimit = RecentEvents.Kept;
    public const int MaxLimit = 100;

    /// <param name="Data">The event's data, as published.</param>
    /// <param name="Example">True on the example answered when there is no event yet; absent otherwise.</param>
    public sealed record RecentEvent(
        string Id, string Event, string Created, JsonElement Data,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Example = null);

    public static void MapRecentEventsApi(this IEndpointRouteBuilder api) =>
        api.MapGet("/events/recent", ListAsync)
            .WithName("ListRecentEvents").WithSummary($"The account's last events of a type, newest first (at most {RecentEvents.Kept} are kept)")
            .Produces<RecentEvent[]>().Produces<ApiError>(StatusCodes.Status400BadRequest)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
                {
                    if (parameter.Name == "event")
                        (parameter.Required, parameter.Description) = (true, "optin_finalized, optout_finalized or profilemanager_finalized");
                    else if (parameter.Name == "limit")
                        parameter.Description = $"how many, 1-{MaxLimit} (default {DefaultLimit}; at most {RecentEvents.Kept} are kept)";
                }
                return Task.CompletedTask;
            });

    /// <param name="limitText">Read as text, so that a bad one gets this API's error rather than the framework's.</param>
    private static async Task<IResult> ListAsync(
        HttpContext http, IWebHooksStorage storage, TimeProvider time,
        [FromQuery(Name = "event")] string? eventName, [FromQuery(Name = "limit")] string? limitText)
    {
        if (string.IsNullOrEmpty(eventName)) return ApiError.BadRequest("missing parameter: event");
        if (WebHookValidation.Event(eventName) is { } badEvent) return ApiError.BadRequest($"invalid parameter: event: {badEvent}");
        var limit = DefaultLimit;
        if (!string.IsNullOrEmpty(limitText)
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
            return ApiError.BadRequest($"invalid parameter: limit: must be a whole number from 1 to {MaxLimit}");

        var events = await storage.Events.RecentAsync(http.ApiAccount(), eventName, limit);
        // Written by hand: each event's data goes out as the bytes that were published, not re-serialised.
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            if (events.Count == 0) Write(json, "evt_example", eventName, time.StoredNow(), RecentEvents.Example(eventName), example: true);
            foreach (var e in events) Write(json, e.EventId, e.Event, e.Published, e.Data, example: false);
            json.WriteEndArray();
        }
        return Results.Bytes(buffer.ToArray(), "application/json; charset=utf-8");
    }

    private static void Write(Utf8JsonWriter json, string id, string eventName, DateTime created, string data, bool example)
    {
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("event", eventName);
        json.WriteString("created", WireFormat.Timestamp(created));
        json.WritePropertyName("data");
        json.WriteRawValue(data, skipInputValidation: true);
        if (example) json.WriteBoolean("example", true);
        json.WriteEndObject();
    }
}
