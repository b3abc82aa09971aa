using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;
using WebHooks.Delivery;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Delivery;

/// <summary>
/// The sender against real Kestrel receivers. Only loopback addresses and this machine's own interface
/// addresses are ever contacted.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed partial class WebHookSenderTests
{
    private const string Body =
        """{"id":371,"optinsetup_id":60,"subscriber_id":6049065,"fields":[{"id":1,"value":"Grüße, Søren 😀 \"quoted\" \\ \u00e9"}],"lists":[{"id":1,"value":1}],"activate_at":"2025-11-11 09:27:29"}""";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset FixedNow = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Token => TestContext.CancellationToken;

    [TestMethod]
    public async Task DeliversSignedRequestThatStandardWebhooksVerifies()
    {
        await using var receiver = await TestReceiver.StartAsync();
        using var sender = CreateSender(allowPrivateNetworks: true, TimeProvider.System);
        var secret = NewSecret();
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var result = await sender.SendAsync(Request(receiver.Url("/hooks/in?x=1"), secret), Token);

        Assert.AreEqual(AttemptResult.Delivered(200), result);
        var received = (await receiver.WaitForRequestsAsync(1, Deadline)).Single();
        Assert.AreEqual("POST", received.Method);
        Assert.AreEqual("/hooks/in?x=1", received.Path);
        CollectionAssert.AreEqual(Encoding.UTF8.GetBytes(Body), received.Body, "body must be byte-exact UTF-8");
        Assert.AreEqual("application/json", received.Header("Content-Type"));
        Assert.AreEqual("evt_0001", received.Header("webhook-id"));
        Assert.AreEqual("optin_finalized", received.Header("webhook-event"));
        Assert.IsTrue(UserAgentPattern().IsMatch(received.Header("User-Agent")), received.Header("User-Agent"));
        var timestamp = long.Parse(received.Header("webhook-timestamp"), CultureInfo.InvariantCulture);
        Assert.IsTrue(timestamp >= before && timestamp <= DateTimeOffset.UtcNow.ToUnixTimeSeconds(), $"timestamp {timestamp}");
        StringAssert.StartsWith(received.Header("webhook-signature"), "v1,");

        // An independent implementation accepts the signature ...
        new StandardWebhook(secret).Verify(received.BodyText, received.Headers);

        // ... and would notice a different body or a different secret, so the check above can fail.
        Assert.ThrowsExactly<WebhookVerificationException>(() => new StandardWebhook(secret).Verify(received.BodyText + " ", received.Headers));
        Assert.ThrowsExactly<WebhookVerificationException>(() => new StandardWebhook(NewSecret()).Verify(received.BodyText, received.Headers));
    }

    [TestMethod]
    public async Task TimestampAndSignatureFollowTheTimeProvider()
    {
        await using var receiver = await TestReceiver.StartAsync();
        using var sender = CreateSender(allowPrivateNetworks: true, new FakeTimeProvider(FixedNow));
        var secret = NewSecret();

        await sender.SendAsync(Request(receiver.Url(), secret), Token);

        var received = (await receiver.WaitForRequestsAsync(1, Deadline)).Single();
        Assert.AreEqual(FixedNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), received.Header("webhook-timestamp"));
        var expected = new StandardWebhook(secret).Sign("evt_0001", FixedNow, Body);
        Assert.AreEqual(expected, received.Header("webhook-signature"));
    }

    [TestMethod]
    public void SignatureMatchesAHandComputedHmac()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var secret = "whsec_" + Convert.ToBase64String(key);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("msg_1.1700000000." + Body)));

        Assert.AreEqual(expected, WebHookSignature.Sign(secret, "msg_1", 1700000000, Body));
        Assert.AreNotEqual(expected, WebHookSignature.Sign(secret, "msg_2", 1700000000, Body));
        Assert.AreEqual(
            new StandardWebhook(secret).Sign("msg_1", DateTimeOffset.FromUnixTimeSeconds(1700000000), Body),
            WebHookSignature.Sign(secret, "msg_1", 1700000000, Body));
    }

    [TestMethod]
    [DataRow(200)]
    [DataRow(201)]
    [DataRow(202)]
    [DataRow(204)]
    [DataRow(299)]
    public async Task AnySuccessStatusIsDelivered(int status)
    {
        await using var receiver = await TestReceiver.StartAsync();
        receiver.DefaultResponse = new ReceiverResponse(status);
        using var sender = CreateSender(allowPrivateNetworks: true);

        var result = await sender.SendAsync(Request(receiver.Url()), Token);

        Assert.AreEqual(AttemptOutcome.Delivered, result.Outcome);
        Assert.AreEqual(status, result.StatusCode);
        Assert.AreEqual("", result.Error);
    }

    [TestMethod]
    public async Task GoneAsksForDeactivation()
    {
        await using var receiver = await TestReceiver.StartAsync();
        receiver.DefaultResponse = new ReceiverResponse(410);
        using var sender = CreateSender(allowPrivateNetworks: true);

        var result = await sender.SendAsync(Request(receiver.Url()), Token);

        Assert.AreEqual(AttemptOutcome.Gone, result.Outcome);
        Assert.AreEqual(410, result.StatusCode);
        Assert.AreEqual("HTTP 410 Gone", result.Error);
    }

    [TestMethod]
    [DataRow(500, "HTTP 500 Internal Server Error")]
    [DataRow(502, "HTTP 502 Bad Gateway")]
    [DataRow(400, "HTTP 400 Bad Request")]
    [DataRow(401, "HTTP 401 Unauthorized")]
    [DataRow(404, "HTTP 404 Not Found")]
    [DataRow(304, "HTTP 304 Not Modified (redirects are not followed)")]
    public async Task OtherStatusesFail(int status, string error)
    {
        await using var receiver = await TestReceiver.StartAsync();
        receiver.DefaultResponse = new ReceiverResponse(status) { RetryAfter = "30" };
        using var sender = CreateSender(allowPrivateNetworks: true);

        var result = await sender.SendAsync(Request(receiver.Url()), Token);

        Assert.AreEqual(new AttemptResult(AttemptOutcome.Failed, status, error), result, "Retry-After only counts on 429 and 503");
        Assert.AreEqual(1, receiver.Count);
    }

    [TestMethod]
    [DataRow(301, "HTTP 301 Moved Permanently (redirects are not followed)")]
    [DataRow(302, "HTTP 302 Found (redirects are not followed)")]
    [DataRow(307, "HTTP 307 Temporary Redirect (redirects are not followed)")]
    [DataRow(308, "HTTP 308 Permanent Redirect (redirects are not followed)")]
    public async Task RedirectsAreNotFollowed(int status, string error)
    {
        await using var target = await TestReceiver.StartAsync();
        await using var receiver = await TestReceiver.StartAsync();
        receiver.DefaultResponse = new ReceiverResponse(status) { Location = target.Url("/elsewhere") };
        using var sender = CreateSender(allowPrivateNetworks: true);

        var result = await sender.SendAsync(Request(receiver.Url()), Token);

        Assert.AreEqual(AttemptOutcome.Failed, result.Outcome);
        Assert.AreEqual(status, result.StatusCode);
        Assert.AreEqual(error, result.Error);
        Assert.AreEqual(1, receiver.Count);
        Assert.AreEqual(0, target.Count, "the redirect target must receive nothing");
    }

    [TestMethod]
    public async Task SlowReceiverTimesOut()
    {
        await using var receiver = await TestReceiver.StartAsync();
        receiver.DefaultResponse = new ReceiverResponse { Delay = TimeSpan.FromSeconds(30) };
        using var sender = CreateSender(allowPrivateNetworks: true, timeout: TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();

        var result = await sender.SendAsync(Request(receiver.Url()), Token);

        clock.Stop();
        Assert.AreEqual(new AttemptResult(AttemptOutcome.Failed, null, "timeout after 1 s"), result);
        Assert.AreEqual(1, receiver.Count, "the request did arrive");
        Assert.IsTrue(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"gave up too early: {clock.Elapsed}");
        Assert.IsTrue(clock.Elapsed < TimeSpan.FromSeconds(5), $"gave up too late: {clock.Elapsed}");
    }

    [TestMethod]
    public async Task AnswerWithinTheTimeoutIsDelivered()
    {
        await using var receiver = await TestReceiver.StartAsync();
        receiver.DefaultResponse = new ReceiverResponse { Delay = TimeSpan.FromMilliseconds(300) };
        using var sender = CreateSender(allowPrivateNetworks: true, timeout: TimeSpan.FromSeconds(5));

        var result = await sender.SendAsync(Request(receiver.Url()), Token);

        Assert.AreEqual(AttemptResult.Delivered(200), result);
    }

    [TestMethod]
    [DataRow(429)]
    [DataRow(503)]
    public async Task RetryAfterInSeconds(int status)
    {
        await using var receiver = await TestReceiver.StartAsync();
        receiver.DefaultResponse = new ReceiverResponse(status) { RetryAfter = "120" };
        using var sender = CreateSender(allowPrivateNetworks: true);

        var result = await sender.SendAsync(Request(receiver.Url()), Token);

        Assert.AreEqual(AttemptOutcome.Failed, result.Outcome);
        Assert.AreEqual(status, result.StatusCode);
        Assert.AreEqual(TimeSpan.FromSeconds(120), result.RetryAfter);
    }

    [TestMethod]
    [DataRow(429)]
    [DataRow(503)]
    public async Task RetryAfterAsDateIsRelativeToTheTimeProvider(int status)
    {
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Enqueue(
            new ReceiverResponse(status) { RetryAfter = FixedNow.AddMinutes(5).ToString("r", CultureInfo.InvariantCulture) },
            new ReceiverResponse(status) { RetryAfter = FixedNow.AddMinutes(-5).ToString("r", CultureInfo.InvariantCulture) });
        using var sender = CreateSender(allowPrivateNetworks: true, new FakeTimeProvider(FixedNow));

        var future = await sender.SendAsync(Request(receiver.Url()), Token);
        var past = await sender.SendAsync(Request(receiver.Url()), Token);

        Assert.AreEqual(status, future.StatusCode);
        Assert.AreEqual(TimeSpan.FromMinutes(5), future.RetryAfter);
        Assert.AreEqual(TimeSpan.Zero, past.RetryAfter, "a date in the past means: now");
    }

    [TestMethod]
    [DataRow("soon")]
    [DataRow("")]
    public async Task UnparsableOrMissingRetryAfterIsIgnored(string value)
    {
        await using var receiver = await TestReceiver.StartAsync();
        receiver.DefaultResponse = new ReceiverResponse(503) { RetryAfter = value.Length > 0 ? value : null };
        using var sender = CreateSender(allowPrivateNetworks: true);

        var result = await sender.SendAsync(Request(receiver.Url()), Token);

        Assert.AreEqual(new AttemptResult(AttemptOutcome.Failed, 503, "HTTP 503 Service Unavailable"), result);
    }

    [TestMethod]
    public async Task LargeResponseBodyIsCutOffWithoutHarm()
    {
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Enqueue(new ReceiverResponse { BodyBytes = 1024 * 1024 }, new ReceiverResponse(500) { BodyBytes = 1024 * 1024 });
        using var sender = CreateSender(allowPrivateNetworks: true, timeout: TimeSpan.FromSeconds(5));

        var big = await sender.SendAsync(Request(receiver.Url()), Token);
        var bigFailure = await sender.SendAsync(Request(receiver.Url()), Token);
        var next = await sender.SendAsync(Request(receiver.Url()), Token);

        Assert.AreEqual(AttemptResult.Delivered(200), big);
        Assert.AreEqual(new AttemptResult(AttemptOutcome.Failed, 500, "HTTP 500 Internal Server Error"), bigFailure);
        Assert.AreEqual(AttemptResult.Delivered(200), next, "the sender keeps working afterwards");
        Assert.AreEqual(3, receiver.Count);
    }

    [TestMethod]
    public async Task NothingListeningIsConnectionRefused()
    {
        var port = UnusedLoopbackPort();
        using var sender = CreateSender(allowPrivateNetworks: true);

        var result = await sender.SendAsync(Request($"http://127.0.0.1:{port}/hook"), Token);

        Assert.AreEqual(new AttemptResult(AttemptOutcome.Failed, null, "connection refused"), result);
    }

    [TestMethod]
    public async Task DroppedConnectionFails()
    {
        await using var receiver = await TestReceiver.StartAsync();
        receiver.DefaultResponse = new ReceiverResponse { Abort = true };
        using var sender = CreateSender(allowPrivateNetworks: true);

        var result = await sender.SendAsync(Request(receiver.Url()), Token);

        TestContext.WriteLine(result.Error);
        Assert.AreEqual(AttemptOutcome.Failed, result.Outcome);
        Assert.IsNull(result.StatusCode);
        Assert.IsTrue(
            result.Error is "connection reset" or "connection closed before the response was complete",
            result.Error);
    }

    [TestMethod]
    public async Task UntrustedCertificateIsATlsFailure()
    {
        using var certificate = SelfSignedLoopbackCertificate();
        await using var receiver = await TestReceiver.StartAsync("127.0.0.1", certificate);
        using var sender = CreateSender(allowPrivateNetworks: true);

        var result = await sender.SendAsync(Request(receiver.Url()), Token);

        TestContext.WriteLine(result.Error);
        Assert.AreEqual(AttemptOutcome.Failed, result.Outcome);
        Assert.IsNull(result.StatusCode);
        StringAssert.StartsWith(result.Error, "TLS handshake failed: ");
        Assert.IsTrue(result.Error.Length < WebHookSender.MaxErrorLength, result.Error);
        Assert.AreEqual(0, receiver.Count);
    }

    [TestMethod]
    [DataRow("127.0.0.1", "127.0.0.1", "refused: 127.0.0.1 is a loopback address")]
    [DataRow("[::1]", "[::1]", "refused: ::1 is a loopback address")]
    [DataRow("127.0.0.1", "localhost", "refused: localhost resolves to ")]
    public async Task GuardRefusesLoopback(string listenOn, string urlHost, string error)
    {
        await using var receiver = await TestReceiver.StartAsync(listenOn);
        using var sender = CreateSender(allowPrivateNetworks: false);

        var result = await sender.SendAsync(Request($"http://{urlHost}:{receiver.Port}/hook"), Token);

        Assert.AreEqual(AttemptOutcome.Failed, result.Outcome);
        Assert.IsNull(result.StatusCode);
        StringAssert.StartsWith(result.Error, error);
        StringAssert.EndsWith(result.Error, "loopback address");
        Assert.AreEqual(0, receiver.Count, "the receiver must get nothing");
    }

    [TestMethod]
    [DataRow("127.0.0.1", "127.0.0.1")]
    [DataRow("[::1]", "[::1]")]
    [DataRow("127.0.0.1", "localhost")]
    public async Task AllowPrivateNetworksLetsLoopbackThrough(string listenOn, string urlHost)
    {
        await using var receiver = await TestReceiver.StartAsync(listenOn);
        using var sender = CreateSender(allowPrivateNetworks: true);

        var result = await sender.SendAsync(Request($"http://{urlHost}:{receiver.Port}/hook"), Token);

        Assert.AreEqual(AttemptResult.Delivered(200), result);
        Assert.AreEqual(1, receiver.Count);
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public async Task GuardAppliesToPrivateAddresses(bool allowPrivateNetworks)
    {
        // A private address of this machine's own interfaces: the traffic never leaves the host.
        var address = OwnPrivateAddress();
        if (address is null)
        {
            Assert.Inconclusive("this machine has no private (RFC 1918 / ULA) interface address");
            return;
        }

        var literal = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        await using var receiver = await TestReceiver.StartAsync(literal);
        using var sender = CreateSender(allowPrivateNetworks);

        var result = await sender.SendAsync(Request($"http://{literal}:{receiver.Port}/hook"), Token);

        if (allowPrivateNetworks)
        {
            Assert.AreEqual(AttemptResult.Delivered(200), result);
            Assert.AreEqual(1, receiver.Count);
        }
        else
        {
            var reason = AddressGuard.WhyRefused(address)!;
            Assert.AreEqual(AttemptOutcome.Failed, result.Outcome);
            StringAssert.StartsWith(result.Error, $"refused: {address} is a");
            StringAssert.EndsWith(result.Error, reason);
            Assert.AreEqual(0, receiver.Count, "the receiver must get nothing");
        }
    }

    [TestMethod]
    public async Task CallerCancellationThrows()
    {
        await using var receiver = await TestReceiver.StartAsync();
        receiver.DefaultResponse = new ReceiverResponse { Delay = TimeSpan.FromSeconds(30) };
        using var sender = CreateSender(allowPrivateNetworks: true);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);

        var sending = sender.SendAsync(Request(receiver.Url()), cancel.Token);
        await receiver.WaitForRequestsAsync(1, Deadline);
        await cancel.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => sending);
    }

    [TestMethod]
    [DataRow("not a url")]
    [DataRow("/relative/path")]
    [DataRow("ftp://127.0.0.1/hook")]
    public async Task InvalidUrlFailsWithoutThrowing(string url)
    {
        using var sender = CreateSender(allowPrivateNetworks: true);

        var result = await sender.SendAsync(Request(url), Token);

        Assert.AreEqual(new AttemptResult(AttemptOutcome.Failed, null, "invalid URL"), result);
    }

    [TestMethod]
    public async Task ParallelDeliveriesAllArrive()
    {
        await using var receiver = await TestReceiver.StartAsync();
        receiver.DefaultResponse = new ReceiverResponse { Delay = TimeSpan.FromMilliseconds(200) };
        using var sender = CreateSender(allowPrivateNetworks: true);

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            sender.SendAsync(Request(receiver.Url()) with { EventId = $"evt_{i}" }, Token)));

        Assert.IsTrue(results.All(r => r == AttemptResult.Delivered(200)));
        CollectionAssert.AreEquivalent(
            Enumerable.Range(0, 50).Select(i => $"evt_{i}").ToList(),
            receiver.Requests.Select(r => r.Header("webhook-id")).ToList());
    }

    private static WebHookSender CreateSender(bool allowPrivateNetworks, TimeProvider? time = null, TimeSpan? timeout = null) =>
        new(
            new DeliveryOptions { AllowPrivateNetworks = allowPrivateNetworks, Timeout = timeout ?? TimeSpan.FromSeconds(10) },
            time ?? TimeProvider.System,
            NullLogger<WebHookSender>.Instance);

    private static DeliveryRequest Request(string url, string? secret = null) =>
        new(url, secret ?? NewSecret(), "evt_0001", "optin_finalized", Body);

    private static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static X509Certificate2 SelfSignedLoopbackCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static int UnusedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>An RFC 1918 or ULA address assigned to one of this machine's interfaces, if any.</summary>
    private static IPAddress? OwnPrivateAddress()
    {
        var candidates = NetworkInterface.GetAllNetworkInterfaces()
            .Where(nic => nic.OperationalStatus == OperationalStatus.Up)
            .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
            .Select(unicast => unicast.Address)
            .Where(address => AddressGuard.WhyRefused(address) is "private address (RFC 1918)" or "unique local address (ULA)")
            .ToList();
        return candidates.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? candidates.FirstOrDefault();
    }

    [GeneratedRegex(@"^WebHooks/\d+(\.\d+)*$")]
    private static partial Regex UserAgentPattern();
}
