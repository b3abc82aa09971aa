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
/// </summary>
public sealed record RoundTrip(string Username, string Password, string App, string Event, string Url, string OtherApp, int DecoyId)
{
    /// <summary>Creates the decoy in the demo account and names this client's app.</summary>
    public static async Task<RoundTrip> PrepareAsync(ServiceHost host, string client)
    {
        var tag = client + "-" + Guid.NewGuid().ToString("N")[..8];
        var otherApp = "other-" + tag;
        var decoy = await host.Get<WebHookOperations>().CreateWebHookAsync(
            "demo", "demo", otherApp, "profilemanager_finalized", "http://127.0.0.1:9/decoy");
        Assert.AreEqual(ErrorCode.Ok, decoy.Error, decoy.Message);
        return new RoundTrip("demo", "demo", "app-" + tag, "optout_finalized", $"https://example.com/hooks/{tag}?a=1&b=2", otherApp, decoy.Result!.Id);
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

    public void Verify(RoundTripReport report, string context)
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

        Assert.IsNotNull(report.UnknownEvent, Why("unknownEvent"));
        Assert.AreEqual(3, report.UnknownEvent.Error, Why("unknownEvent.error"));
        Assert.StartsWith("invalid parameter: event", report.UnknownEvent.Message, Why("unknownEvent.message"));
        foreach (var name in EventNames.All)
            Assert.Contains(name, report.UnknownEvent.Message, Why("unknownEvent.message lists " + name));
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
