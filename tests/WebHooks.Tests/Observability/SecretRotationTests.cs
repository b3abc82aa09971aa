using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Observability;

/// <summary>
/// RotateWebHookSecret end to end (spec 11), checked by an independent implementation (the StandardWebhooks NuGet
/// package): after a rotation deliveries carry two signatures, the new one first, each valid under its secret; 24 hours
/// later (a fake clock) only the new one.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class SecretRotationTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [TestMethod]
    public async Task Deliveries_are_signed_with_both_secrets_for_24_hours_then_with_the_new_one_only()
    {
        // The fake clock starts at the real time, so that the verifier's tolerance for webhook-timestamp holds at first.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await ServiceHost.StartAsync(configureServices: s => s.AddSingleton<TimeProvider>(clock));
        await using var receiver = await TestReceiver.StartAsync();
        var id = await Api.CreateWebHookAsync(host.Http, receiver.Url());
        var oldSecret = (await Api.GetWebHookAsync(host.Http, id)).GetProperty("secret").GetString()!;

        await Api.PublishAsync(host.Http, "optin_finalized", new { n = 1 });
        var before = (await receiver.WaitForRequestsAsync(1, Deadline))[0];
        Assert.HasCount(1, Signatures(before), "one secret, one signature");
        new StandardWebhook(oldSecret).Verify(before.BodyText, before.Headers);

        var rotation = await Api.CallAsync(host.Http, "RotateWebHookSecret", new { username = "demo", password = "demo", webhookId = id });
        Assert.AreEqual(0, rotation.GetProperty("error").GetInt32(), rotation.ToString());
        var newSecret = rotation.GetProperty("result").GetProperty("secret").GetString()!;
        Assert.AreNotEqual(oldSecret, newSecret);

        await Api.PublishAsync(host.Http, "optin_finalized", new { n = 2 });
        var during = (await receiver.WaitForRequestsAsync(2, Deadline))[1];
        var signatures = Signatures(during);
        Assert.HasCount(2, signatures, during.Header("webhook-signature"));
        Assert.AreEqual(Expected(newSecret, during), signatures[0], "the new secret's signature first");
        Assert.AreEqual(Expected(oldSecret, during), signatures[1]);
        // A receiver that has the new secret already accepts the delivery as it came ...
        new StandardWebhook(newSecret).Verify(during.BodyText, during.Headers);
        // ... and so does one that has not yet, checking each signature of the list as the Standard Webhooks spec says.
        // (StandardWebhooks 1.1.2 itself stops before the last signature of a list, so it is handed each one alone.)
        Assert.IsTrue(signatures.Any(signature => Accepts(oldSecret, during, signature)), "the previous secret verifies one of the signatures");
        Assert.IsTrue(Accepts(newSecret, during, signatures[0]));
        Assert.IsFalse(signatures.Any(signature => Accepts(WebHooks.Management.WebHookOperations.NewSecret(), during, signature)), "another secret verifies none");

        // The clock moves only once the attempt is over (its timeout runs on this clock too).
        await AttemptDoneAsync(host, id, during);
        clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromMinutes(1));
        await Api.PublishAsync(host.Http, "optin_finalized", new { n = 3 });
        var lastMinute = (await receiver.WaitForRequestsAsync(3, Deadline))[2];
        CollectionAssert.AreEqual(new[] { Expected(newSecret, lastMinute), Expected(oldSecret, lastMinute) }, Signatures(lastMinute), "still both");

        await AttemptDoneAsync(host, id, lastMinute);
        clock.Advance(TimeSpan.FromMinutes(2));
        await Api.PublishAsync(host.Http, "optin_finalized", new { n = 4 });
        var after = (await receiver.WaitForRequestsAsync(4, Deadline))[3];
        CollectionAssert.AreEqual(new[] { Expected(newSecret, after) }, Signatures(after), "24 hours later: the new secret only");
        Assert.AreEqual(clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), after.Header("webhook-timestamp"));
    }

    /// <summary>Waits until the attempt that delivered <paramref name="request"/> is logged as a success: it is over.</summary>
    private static Task AttemptDoneAsync(ServiceHost host, int id, ReceivedRequest request) =>
        Api.EventuallyAsync(async () =>
        {
            var reply = await Api.CallAsync(host.Http, "GetWebHookDeliveries", new { username = "demo", password = "demo", webhookId = id, limit = 1 });
            var newest = reply.GetProperty("result").EnumerateArray().FirstOrDefault();
            return newest.ValueKind != System.Text.Json.JsonValueKind.Undefined
                   && newest.GetProperty("eventId").GetString() == request.Header("webhook-id") && newest.GetProperty("succeeded").GetInt32() == 1;
        }, Deadline, "the attempt is over");

    /// <summary>Does the StandardWebhooks verifier accept the request with this one signature?</summary>
    private static bool Accepts(string secret, ReceivedRequest request, string signature)
    {
        var headers = new HeaderDictionary();
        foreach (var (name, value) in request.Headers) headers[name] = value;
        headers["webhook-signature"] = signature;
        try
        {
            new StandardWebhook(secret).Verify(request.BodyText, headers);
            return true;
        }
        catch (WebhookVerificationException)
        {
            return false;
        }
    }

    private static string[] Signatures(ReceivedRequest request) => request.Header("webhook-signature").Split(' ');

    /// <summary>The signature the StandardWebhooks package computes for this request's id, timestamp and body.</summary>
    private static string Expected(string secret, ReceivedRequest request) => new StandardWebhook(secret).Sign(
        request.Header("webhook-id"),
        DateTimeOffset.FromUnixTimeSeconds(long.Parse(request.Header("webhook-timestamp"), CultureInfo.InvariantCulture)),
        request.BodyText);
}
