using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebHooks.Tests.Lifecycle;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.MultiInstance;

/// <summary>
/// Spec 9 with spec 6: a webhook deactivated by one instance is reactivated through its notification link on the
/// others, as happens behind a load balancer: the link (signed with the shared link key) is the same on every
/// instance, the page comes from one instance and its button goes to another (the antiforgery cookie and token,
/// protected with the data-protection keys kept in the database, are valid on both), and the replay arrives in order.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
[TestCategory("PostgreSql")]
[TestCategory("Slow")]
public sealed class ActivationLinkAcrossInstancesTests
{
    private const string PublicBaseUrl = "https://hooks.example.com";

    [TestMethod]
    public async Task A_webhook_deactivated_on_one_instance_is_replayed_through_its_link_on_the_others()
    {
        // Behind a load balancer every instance names the same public address in its links.
        await using var cluster = await Cluster.StartAsync(3, $"WebHooks:PublicBaseUrl={PublicBaseUrl}");
        await using var receiver = await TestReceiver.StartAsync();
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() });

        // The first visitors come to every instance at once: each may make a data-protection key of its own.
        await Task.WhenAll(cluster.Instances.Select(async i =>
        {
            using var visitor = new HttpClient();
            using var page = await visitor.GetAsync(i.BaseUrl + "/notifications/signin");
            Assert.AreEqual(HttpStatusCode.OK, page.StatusCode);
        }));
        var keys = await cluster.DataProtectionKeysAsync();

        receiver.Enqueue(new ReceiverResponse(410));
        var id = await Cluster.CreateWebHookAsync(cluster.Next(), receiver.Url());
        var e1 = await PublishAsync(cluster.Next(), 1);
        await Api.EventuallyAsync(async () => !await IsActiveAsync(cluster.Next(), id), TimeSpan.FromSeconds(30), $"webhook {id} deactivated\n{cluster.Output()}");
        var e2 = await PublishAsync(cluster.Next(), 2);
        var e3 = await PublishAsync(cluster.Next(), 3);

        // The instance that deactivated it logged the notification with its link.
        var deactivator = cluster.Instances.Single(i => i.Output.Contains("System notification", StringComparison.Ordinal));
        var others = cluster.Instances.Where(i => i != deactivator).ToList();
        var (opener, user) = (others[0], others[1]);

        // The notification as another instance lists it: the same link, signed with the one shared key.
        var activationUrl = await ActivationUrlAsync(opener, id);
        StringAssert.StartsWith(activationUrl, PublicBaseUrl + "/notifications/");
        StringAssert.Contains(deactivator.Output, "Reactivate: " + activationUrl, "every instance signs the link alike");
        var link = new Uri(activationUrl).PathAndQuery;

        // The page from one instance, the button to another: the load balancer sends each request where it likes.
        using var page = await browser.GetAsync(opener.BaseUrl + link);
        var html = await page.Content.ReadAsStringAsync();
        Assert.AreEqual(HttpStatusCode.OK, page.StatusCode, html);
        StringAssert.Contains(html, "<dd data-field=\"bufferedEvents\">3</dd>");
        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = LifecycleKit.AntiforgeryToken(html),
            ["token"] = Uri.UnescapeDataString(link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..]),
            ["action"] = "replay",
        };
        using var used = await browser.PostAsync(user.BaseUrl + link[..link.IndexOf('?')], new FormUrlEncodedContent(form));
        var usedHtml = await used.Content.ReadAsStringAsync();
        Assert.AreEqual(HttpStatusCode.OK, used.StatusCode, $"the button of a page from {opener.BaseUrl}, used on {user.BaseUrl}: {usedHtml}\n{cluster.Output()}");
        StringAssert.Contains(usedHtml, $"Webhook {id} is active again");
        StringAssert.Contains(usedHtml, "<dd data-field=\"replayedEvents\">3</dd>");

        // The replay first, in order, then what comes after; on whichever instance delivers it.
        var e4 = await PublishAsync(cluster.Next(), 4);
        await receiver.WaitForRequestsAsync(5, TimeSpan.FromSeconds(30));
        CollectionAssert.AreEqual(new[] { e1, e1, e2, e3, e4 }, receiver.EventIds().ToArray(), "the 410, the replay in order, then the new event");
        Assert.IsTrue(await IsActiveAsync(deactivator, id));

        // The link is used up, on every instance.
        foreach (var instance in cluster.Instances)
        {
            using var again = await browser.GetAsync(instance.BaseUrl + link);
            StringAssert.Contains(await again.Content.ReadAsStringAsync(), "This link was already used", instance.BaseUrl);
        }
        Console.WriteLine($"webhook {id} deactivated by {deactivator.BaseUrl}; link page from {opener.BaseUrl}, replay button used on {user.BaseUrl}; " +
                          $"{keys} data-protection key(s) made by the first visits; received in order: {string.Join(", ", receiver.EventIds())}");
    }

    private static async Task<string> PublishAsync(ServiceProcess instance, int n) =>
        await Cluster.TryPublishAsync(instance, new { n }, $"link-{n}-{Guid.NewGuid():N}") ?? throw new AssertFailedException($"event {n} not accepted");

    private static async Task<bool> IsActiveAsync(ServiceProcess instance, int id)
    {
        var reply = await Api.CallAsync(instance.Http, "GetWebHooks", new { username = Cluster.Account, password = Cluster.Password });
        return reply.GetProperty("result").EnumerateArray().Single(w => w.GetProperty("id").GetInt32() == id).GetProperty("active").GetInt32() == 1;
    }

    private static async Task<string> ActivationUrlAsync(ServiceProcess instance, int webHookId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/notifications");
        request.Headers.Authorization = ServiceHost.Basic(Cluster.Account, Cluster.Password);
        using var response = await instance.Http.SendAsync(request);
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        var notifications = await response.Content.ReadFromJsonAsync<JsonElement>();
        return notifications.EnumerateArray().Single(n => n.GetProperty("webhookId").GetInt32() == webHookId).GetProperty("activationUrl").GetString()!;
    }
}
