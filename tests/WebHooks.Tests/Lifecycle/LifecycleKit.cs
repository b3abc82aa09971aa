using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WebHooks.Lifecycle;
using WebHooks.Management;
using WebHooks.Storage;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Lifecycle;

/// <summary>A running service with one account, and the steps the lifecycle tests share.</summary>
internal sealed partial class LifecycleKit : IAsyncDisposable
{
    public const string Account = "lifecycle";
    public const string Password = "lifecycle-pw";
    public const string Event = "optin_finalized";
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private LifecycleKit(ServiceHost host, FakeTimeProvider? clock, IDictionary<string, string> settings)
    {
        Host = host;
        Clock = clock;
        Settings = settings;
    }

    public ServiceHost Host { get; private set; }
    public FakeTimeProvider? Clock { get; }
    public IDictionary<string, string> Settings { get; }
    public WebHookOperations Ops => Host.Get<WebHookOperations>();
    public IWebHooksStorage Storage => Host.Get<IWebHooksStorage>();

    /// <param name="fakeClock">Run the service on a fake clock (advanced by the test), starting at a fixed moment.</param>
    public static async Task<LifecycleKit> StartAsync(bool fakeClock = false, IDictionary<string, string>? settings = null, string? email = null)
    {
        var all = new Dictionary<string, string> { ["WebHooks:Delivery:AllowPrivateNetworks"] = "true" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) all[key] = value;
        var clock = fakeClock ? new FakeTimeProvider(new DateTimeOffset(2025, 3, 3, 8, 0, 0, TimeSpan.Zero)) : null;
        var host = await ServiceHost.StartAsync(settings: all, configureServices: Configure(clock));
        await host.AddAccountAsync(Account, Password, email);
        return new LifecycleKit(host, clock, all);
    }

    /// <summary>Stops the service and starts it again over the same database (and the same clock).</summary>
    public async Task RestartAsync()
    {
        await Host.StopAsync();
        Host = await ServiceHost.StartAsync(Host.Directory, Settings, Configure(Clock));
    }

    private static Action<IServiceCollection>? Configure(FakeTimeProvider? clock) =>
        clock is null ? null : s => s.AddSingleton<TimeProvider>(clock);

    public HttpClient Client(bool cookies = true) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = cookies, CookieContainer = new CookieContainer() })
        {
            BaseAddress = new Uri(Host.BaseUrl + "/"),
        };

    public async Task<WebHookView> CreateAsync(string url, string app = "lifecycle-tests", string @event = Event)
    {
        var outcome = await Ops.CreateWebHookAsync(Account, Password, app, @event, url);
        Assert.AreEqual(ErrorCode.Ok, outcome.Error, outcome.Message);
        return outcome.Result!;
    }

    public WebHookView Get(int id) => Ops.FindAsync(Account, id).GetAwaiter().GetResult() ?? throw new AssertFailedException($"webhook {id} not found");

    /// <summary>The webhook as stored now, with its delivery state.</summary>
    public WebHookRecord Record(int id) =>
        Storage.WebHooks.FindAsync(Account, id).GetAwaiter().GetResult() ?? throw new AssertFailedException($"webhook {id} not found");

    /// <summary>The events of the webhook's stream still stored, from the first.</summary>
    public int EventsStoredFor(int id) => Storage.Events.ReadAsync(id, 0, long.MaxValue, 100_000).GetAwaiter().GetResult().Count;

    /// <summary>Publishes through <c>POST /api/events</c>; returns the event id and the number of webhooks it was kept for.</summary>
    public async Task<(string EventId, int WebHooks)> PublishAsync(int n, string? idempotencyKey = null, string @event = Event)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/events")
        {
            Content = JsonContent.Create(new { @event, data = new { n, subscriber_id = 6000 + n }, idempotencyKey }),
        };
        request.Headers.Authorization = ServiceHost.Basic(Account, Password);
        using var client = Client(cookies: false);
        using var response = await client.SendAsync(request);
        Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode, await response.Content.ReadAsStringAsync());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (json.RootElement.GetProperty("eventId").GetString()!, json.RootElement.GetProperty("webhooks").GetInt32());
    }

    public async Task<ActivationView> ActivateAsync(int id, bool replay)
    {
        var outcome = await Ops.ActivateWebHookAsync(Account, Password, id, replay ? 1 : 0);
        Assert.AreEqual(ErrorCode.Ok, outcome.Error, outcome.Message);
        return outcome.Result!;
    }

    /// <summary>
    /// Waits until the webhook's stored offset reached <paramref name="sequence"/>: on a fake clock, advance it only
    /// when no attempt is in flight, or the attempt's timeout (on that clock) fires.
    /// </summary>
    public Task WaitUntilDeliveredAsync(int id, long sequence) =>
        WaitUntilAsync(() => Record(id).Offset.Delivered >= sequence, $"webhook {id} delivered up to {sequence}");

    public Task WaitUntilInactiveAsync(int id) => WaitUntilAsync(() => !Get(id).Active, $"webhook {id} deactivated");

    public List<Notification> NotificationsOf(int webHookId) =>
        [.. Storage.Notifications.ListAsync(Account, 10_000).GetAwaiter().GetResult().Where(n => n.WebHookId == webHookId).OrderBy(n => n.Id)];

    public string LinkOf(Notification notification) => Host.Get<NotificationLinks>().PathOfAsync(notification).GetAwaiter().GetResult();

    /// <summary>Awaits a condition, checking it again and again until the deadline (no fixed sleep stands for "done").</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? Deadline);
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new AssertFailedException($"timed out waiting for: {what}");
            await Task.Delay(10); // polling interval only
        }
    }

    /// <summary>The event ids (webhook-id header) of the requests a receiver got, in order.</summary>
    public static List<string> EventIds(TestReceiver receiver) => [.. receiver.Requests.Select(r => r.Header("webhook-id"))];

    /// <summary>The antiforgery field of a page's form.</summary>
    public static string AntiforgeryToken(string html)
    {
        var match = AntiforgeryField().Match(html);
        Assert.IsTrue(match.Success, "no antiforgery field in the page");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    public async ValueTask DisposeAsync()
    {
        var directory = Host.Directory;
        await Host.DisposeAsync();
        TestStorage.Drop(directory);
        try { Directory.Delete(directory, recursive: true); }
        catch (DirectoryNotFoundException) { }
        catch (IOException) { }
    }
}
