using System.Globalization;
using System.Text.Json;
using WebHooks.Management;
using WebHooks.Service.Wire;

namespace WebHooks.Service.Json;

/// <summary>
/// <c>POST /webservice/json/{function}</c>: the six functions for scripts that do not speak SOAP
/// (spec 3.4, 11). Parameters come as form fields or as one JSON object; the reply is the same envelope
/// as JSON, HTTP 200 for every business outcome.
/// </summary>
public static class JsonBinding
{
    public static void MapJsonBinding(this IEndpointRouteBuilder app) =>
        app.MapPost("/webservice/json/{function}", Handle).DisableAntiforgery().WithBodyLimit(RequestLimits.MaxManagementBodyBytes);

    private static async Task<IResult> Handle(string function, HttpRequest request, WebHookOperations operations)
    {
        var (parameters, problem) = await ReadParameters(request);
        if (parameters is null)
            return Results.BadRequest(new { error = problem ?? "the body is neither a JSON object nor form fields" });

        string? Get(string name) => parameters.GetValueOrDefault(name);

        Reply reply;
        switch (function.ToLowerInvariant())
        {
            case "createwebhook":
                reply = WebHookReply.From(await operations.CreateWebHookAsync(Get("username"), Get("password"), Get("app"), Get("event"), Get("url")));
                break;
            case "getwebhooks":
                reply = WebHookListReply.From(await operations.GetWebHooksAsync(Get("username"), Get("password"), Get("app"), Get("event")));
                break;
            case "activatewebhook":
                if (ParseInt(Get("webhookId"), "webhookId", out var id) is { } badId) return Envelope(badId);
                if (ParseInt(Get("replayEvents"), "replayEvents", out var replay) is { } badReplay) return Envelope(badReplay);
                reply = ActivationReply.From(await operations.ActivateWebHookAsync(Get("username"), Get("password"), id, replay));
                break;
            case "deletewebhookbyid":
                if (ParseInt(Get("webhookId"), "webhookId", out var deleteId) is { } badDeleteId) return Envelope(badDeleteId);
                reply = DeleteReply.From(await operations.DeleteWebHookByIdAsync(Get("username"), Get("password"), deleteId));
                break;
            case "getwebhookdeliveries":
                if (ParseInt(Get("webhookId"), "webhookId", out var deliveriesId) is { } badDeliveriesId) return Envelope(badDeliveriesId);
                if (ParseInt(Get("limit"), "limit", out var limit) is { } badLimit) return Envelope(badLimit);
                reply = DeliveryListReply.From(await operations.GetWebHookDeliveriesAsync(Get("username"), Get("password"), deliveriesId, limit));
                break;
            case "rotatewebhooksecret":
                if (ParseInt(Get("webhookId"), "webhookId", out var rotateId) is { } badRotateId) return Envelope(badRotateId);
                reply = WebHookReply.From(await operations.RotateWebHookSecretAsync(Get("username"), Get("password"), rotateId));
                break;
            default:
                return Results.NotFound(new { error = $"unknown function '{function}'; the functions are CreateWebHook, GetWebHooks, ActivateWebHook, DeleteWebHookById, GetWebHookDeliveries, RotateWebHookSecret" });
        }
        return Envelope(reply);
    }

    private static IResult Envelope(Reply reply) => Results.Json((object)reply);

    /// <summary>An empty value means "not given"; anything else must be an integer.</summary>
    private static Reply? ParseInt(string? text, string name, out int? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
            return null;
        }
        var outcome = Outcome<int>.Invalid(name, "not an integer");
        return DeleteReply.From(outcome);
    }

    /// <returns>The parameters, or null and what is wrong with the body (null: neither a JSON object nor form fields).</returns>
    private static async Task<(Dictionary<string, string?>? Parameters, string? Problem)> ReadParameters(HttpRequest request)
    {
        if (request.HasFormContentType)
        {
            try
            {
                var form = await request.ReadFormAsync();
                return (form.ToDictionary(f => f.Key, f => (string?)f.Value.ToString(), StringComparer.OrdinalIgnoreCase), null);
            }
            catch (Exception e) when (e is InvalidDataException or BadHttpRequestException && !RequestLimits.IsOverLimit(e))
            {
                return (null, null);
            }
        }

        try
        {
            var body = await JsonRequestBody.ReadAsync(request);
            if (body.Document is null) return (null, body.Problem);
            using var json = body.Document;
            if (json.RootElement.ValueKind != JsonValueKind.Object) return (null, null);
            var parameters = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var p in json.RootElement.EnumerateObject())
            {
                parameters[p.Name] = p.Value.ValueKind switch
                {
                    JsonValueKind.String => p.Value.GetString(),
                    JsonValueKind.Null => null,
                    _ => p.Value.GetRawText(),
                };
            }
            return (parameters, null);
        }
        catch (BadHttpRequestException e) when (!RequestLimits.IsOverLimit(e))
        {
            return (null, null);
        }
    }
}
