using System.Text.Json;
using System.Text.Json.Serialization;
using WebHooks.Management;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Interop;

/// <summary>
/// The round trip every SOAP client makes, and what it must observe: CreateWebHook, GetWebHooks filtered by
/// app, by event and by another app, ActivateWebHook without and with replayEvents=1, DeleteWebHookById,
/// GetWebHooks again, and two errors (wrong password: 1; unknown event: 3, listing the three events).
/// A decoy webhook of another app and event, created beforehand, must show up only where it belongs.
/// The clients that cover spec 11 too (PHP positional, WCF) also read the deliveries of a webhook that received two
/// events beforehand (GetWebHookDeliveries without and with a limit, and with a bad one) and rotate their webhook's
/// secret (RotateWebHookSecret) before deleting it.
/// </summary>
public sealed record RoundTrip(string Username, string Password, string App, string Event, string Url, string OtherApp, int DecoyId)
{
    /// <summary>A webhook that received two events, and their ids, newest first (for GetWebHookDeliveries).</summary>
    public int DeliveredId { get; init; }
    public IReadOnlyList<string> DeliveredEvents { get; init; } = [];

    /// <summary>Creates the decoy in the demo account, a webhook with two delivered events, and names this client's app.</summary>
    public static async Task<RoundTrip> PrepareAsync(ServiceHost host, string client)
    {
        var tag = client + "-" + Guid.NewGuid().ToString("N")[..8];
        var otherApp = "other-" + tag;
        var ops = host.Get<WebHookOperations>();
        var decoy = await ops.CreateWebHookAsync("demo", "demo", otherApp, "profilemanager_finalized", "http://127.0.0.1:9/decoy");
        Assert.AreEqual(ErrorCode.Ok, decoy.Error, decoy.Message);

        await using var receiver = await TestReceiver.StartAsync();
        var delivered = await ops.CreateWebHookAsync("demo", "demo", "delivered-" + tag, "optin_finalized", receiver.Url("/delivered"));
        Assert.AreEqual(ErrorCode.Ok, delivered.Error, delivered.Message);
        var first = await Api.PublishAsync(host.Http, "optin_finalized", new { n = 1 });
        var second = await Api.PublishAsync(host.Http, "optin_finalized", new { n = 2 });
        await Api.EventuallyAsync(async () => (await ops.GetWebHookDeliveriesAsync("demo", "demo", delivered.Result!.Id)).Result!.Count == 2,
            TimeSpan.FromSeconds(20), "both attempts logged");

        return new RoundTrip("demo", "demo", "app-" + tag, "optout_finalized", $"https://example.com/hooks/{tag}?a=1&b=2", otherApp, decoy.Result!.Id)
        {
            DeliveredId = delivered.Result!.Id,
            DeliveredEvents = [second, first],
        };
    }

    /// <summary>The arguments every client script takes, in this order.</summary>
    public IEnumerable<string> ScriptArguments(string wsdlUrl) => [wsdlUrl, Username, Password, App, Event, Url, OtherApp];

    public static RoundTripReport Parse(ProcessResult run)
    {
        Assert.AreEqual(0, run.ExitCode, run.Describe());
        try
        {
            return JsonSerializer.Deserialize<RoundTripReport>(run.StandardOutput, JsonOptions)
                ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            Assert.Fail($"the client printed no report ({e.Message}): {run.Describe()}");
            throw;
        }
    }

    public void Verify(RoundTripReport report, string context, bool withDeliveriesAndRotation = false)
    {
        string Why(string what) => $"{what} ({context}); report: {JsonSerializer.Serialize(report, JsonOptions)}";

        var created = report.Create;
        Assert.IsNotNull(created, Why("create"));
        Assert.AreEqual(0, created.Error, Why("create.error"));
        Assert.AreEqual("successfully executed", created.Message, Why("create.message"));
        Assert.IsGreaterThan(0, created.Id, Why("create.id"));
        Assert.AreNotEqual(DecoyId, created.Id, Why("create.id"));
        Assert.AreEqual(App, created.App, Why("create.app"));
        Assert.AreEqual(Event, created.Event, Why("create.event"));
        Assert.AreEqual(Url, created.Url, Why("create.url"));
        Assert.AreEqual(1, created.Active, Why("create.active"));
        Assert.StartsWith("whsec_", created.Secret ?? "", Why("create.secret"));

        var id = created.Id;
        CollectionAssert.AreEqual(new[] { id }, report.ByApp, Why("GetWebHooks(app)"));
        CollectionAssert.Contains(report.ByEvent, id, Why("GetWebHooks(event) must list it"));
        CollectionAssert.DoesNotContain(report.ByEvent, DecoyId, Why("GetWebHooks(event) must not list the decoy"));
        CollectionAssert.AreEqual(new[] { DecoyId }, report.ByOtherApp, Why("GetWebHooks(other app)"));

        foreach (var (name, activation) in new[] { ("activate", report.Activate), ("activateReplay", report.ActivateReplay) })
        {
            Assert.IsNotNull(activation, Why(name));
            Assert.AreEqual(0, activation.Error, Why(name + ".error"));
            Assert.AreEqual(id, activation.Id, Why(name + ".id"));
            Assert.AreEqual(1, activation.Active, Why(name + ".active"));
            Assert.AreEqual(0, activation.ReplayedEvents, Why(name + ".replayedEvents"));
            Assert.AreEqual(0, activation.DiscardedEvents, Why(name + ".discardedEvents"));
        }

        Assert.IsNotNull(report.Delete, Why("delete"));
        Assert.AreEqual(0, report.Delete.Error, Why("delete.error"));
        Assert.AreEqual(id, report.Delete.Result, Why("delete.result"));
        Assert.IsEmpty(report.AfterDelete, Why("GetWebHooks after the delete"));

        Assert.IsNotNull(report.WrongPassword, Why("wrongPassword"));
        Assert.AreEqual(1, report.WrongPassword.Error, Why("wrongPassword.error"));
        Assert.AreEqual("login failed", report.WrongPassword.Message, Why("wrongPassword.message"));

        if (withDeliveriesAndRotation) VerifyDeliveriesAndRotation(report, Why);

        Assert.IsNotNull(report.UnknownEvent, Why("unknownEvent"));
        Assert.AreEqual(3, report.UnknownEvent.Error, Why("unknownEvent.error"));
        Assert.StartsWith("invalid parameter: event", report.UnknownEvent.Message, Why("unknownEvent.message"));
        foreach (var name in EventNames.All)
            Assert.Contains(name, report.UnknownEvent.Message, Why("unknownEvent.message lists " + name));
    }

    private void VerifyDeliveriesAndRotation(RoundTripReport report, Func<string, string> why)
    {
        Assert.IsNotNull(report.Deliveries, why("deliveries"));
        Assert.AreEqual(0, report.Deliveries.Error, why("deliveries.error"));
        Assert.AreEqual("successfully executed", report.Deliveries.Message, why("deliveries.message"));
        CollectionAssert.AreEqual(DeliveredEvents.ToArray(), report.Deliveries.Result.Select(d => d.EventId).ToArray(), why("deliveries: newest first"));
        foreach (var d in report.Deliveries.Result)
        {
            Assert.AreEqual(("optin_finalized", 1, 200, 1, ""), (d.Event, d.Attempt, d.Status, d.Succeeded, d.Error ?? ""), why("delivery fields"));
            Assert.IsTrue(DateTime.TryParseExact(d.Created, "yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out _), why("delivery.created"));
            Assert.IsGreaterThanOrEqualTo(0, d.DurationMs, why("delivery.durationMs"));
        }
        Assert.IsNotNull(report.DeliveriesLimited, why("deliveriesLimited"));
        CollectionAssert.AreEqual(DeliveredEvents.Take(1).ToArray(), report.DeliveriesLimited.Result.Select(d => d.EventId).ToArray(), why("limit 1"));
        Assert.IsNotNull(report.DeliveriesBadLimit, why("deliveriesBadLimit"));
        Assert.AreEqual(3, report.DeliveriesBadLimit.Error, why("deliveriesBadLimit.error"));
        Assert.StartsWith("invalid parameter: limit", report.DeliveriesBadLimit.Message, why("deliveriesBadLimit.message"));
        Assert.IsNotNull(report.DeliveriesNotFound, why("deliveriesNotFound"));
        Assert.AreEqual((4, "webhook not found"), (report.DeliveriesNotFound.Error, report.DeliveriesNotFound.Message), why("deliveriesNotFound"));

        Assert.IsNotNull(report.Rotate, why("rotate"));
        Assert.AreEqual(0, report.Rotate.Error, why("rotate.error"));
        Assert.AreEqual(report.Create.Id, report.Rotate.Id, why("rotate.id"));
        Assert.StartsWith("whsec_", report.Rotate.Secret ?? "", why("rotate.secret"));
        Assert.AreNotEqual(report.Create.Secret, report.Rotate.Secret, why("rotate: a new secret"));
        Assert.IsNotNull(report.RotateNotFound, why("rotateNotFound"));
        Assert.AreEqual(4, report.RotateNotFound.Error, why("rotateNotFound.error"));
    }

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };
}

/// <summary>What a client observed; the scripts print this as JSON.</summary>
public sealed class RoundTripReport
{
    public WebHookReport Create { get; set; } = null!;
    public int[] ByApp { get; set; } = [];
    public int[] ByEvent { get; set; } = [];
    public int[] ByOtherApp { get; set; } = [];
    public ActivationReport Activate { get; set; } = null!;
    public ActivationReport ActivateReplay { get; set; } = null!;
    public DeleteReport Delete { get; set; } = null!;
    public int[] AfterDelete { get; set; } = [];
    public ErrorReport WrongPassword { get; set; } = null!;
    public ErrorReport UnknownEvent { get; set; } = null!;

    // Spec 11, from the clients that cover it.
    public DeliveriesReport? Deliveries { get; set; }
    public DeliveriesReport? DeliveriesLimited { get; set; }
    public ErrorReport? DeliveriesBadLimit { get; set; }
    public ErrorReport? DeliveriesNotFound { get; set; }
    public WebHookReport? Rotate { get; set; }
    public ErrorReport? RotateNotFound { get; set; }
}

public sealed class DeliveriesReport : ErrorReport
{
    public DeliveryReport[] Result { get; set; } = [];
}

public sealed class DeliveryReport
{
    public string EventId { get; set; } = "";
    public string Event { get; set; } = "";
    public int Attempt { get; set; }
    public string Created { get; set; } = "";
    public int Status { get; set; }
    public int DurationMs { get; set; }
    public int Succeeded { get; set; }
    public string? Error { get; set; }
}

public class ErrorReport
{
    public int Error { get; set; }
    public string Message { get; set; } = "";
}

public sealed class WebHookReport : ErrorReport
{
    public int Id { get; set; }
    public string App { get; set; } = "";
    public string Event { get; set; } = "";
    public string Url { get; set; } = "";
    public int Active { get; set; }
    public string? Secret { get; set; }
}

public sealed class ActivationReport : ErrorReport
{
    public int Id { get; set; }
    public int Active { get; set; }
    public int ReplayedEvents { get; set; }
    public int DiscardedEvents { get; set; }
}

public sealed class DeleteReport : ErrorReport
{
    public int Result { get; set; }
}
