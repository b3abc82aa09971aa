using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using WebHooks.Accounts;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Security;

/// <summary>
/// The login throttle over HTTP, with clients on different loopback addresses (127.0.0.1 is the owner, 127.0.0.2 the
/// guesser): it counts per account whatever the spelling, per client address, forgives a success served from the login
/// cache, and refuses a flood of failed logins from one address before hashing (issue 8, items 6, 7, 8 and 11).
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class LoginThrottleCannotBeTurnedAgainstTheOwner
{
    private static ServiceHost _host = null!;

    [ClassInitialize]
    public static async Task Start(TestContext _) => _host = await ServiceHost.StartAsync();

    [ClassCleanup]
    public static async Task Stop() => await _host.DisposeAsync();

    /// <summary>A client whose connections come from <paramref name="address"/> (any of 127.0.0.0/8) to the service on 127.0.0.1.</summary>
    private static HttpClient From(string address)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
                await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, token);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"http://localhost:{new Uri(_host.BaseUrl).Port}/") };
    }

    private static async Task<HttpStatusCode> PublishAsync(HttpClient client, string user, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/events")
        {
            Content = JsonContent.Create(new { @event = "optin_finalized", data = new { n = 1 } }),
        };
        request.Headers.Authorization = ServiceHost.Basic(user, password);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [TestMethod]
    public async Task Guessing_from_one_address_does_not_stop_the_owner_publishing_from_another()
    {
        await _host.AddAccountAsync("platform", "platform-pw");
        using var owner = From("127.0.0.1");
        using var guesser = From("127.0.0.2");
        for (var i = 0; i < LoginThrottle.MaxFailures + 2; i++)
            Assert.AreEqual(HttpStatusCode.Unauthorized, await PublishAsync(guesser, "platform", $"guess-{i}"));

        Assert.AreEqual(HttpStatusCode.Unauthorized, await PublishAsync(guesser, "platform", "platform-pw"), "the guessing address is locked out");
        Assert.AreEqual(HttpStatusCode.Accepted, await PublishAsync(owner, "platform", "platform-pw"), "the owner keeps publishing");
    }

    [TestMethod]
    public async Task Varying_the_case_of_a_name_gives_a_guesser_no_more_tries()
    {
        await _host.AddAccountAsync("alice", "alice-pw");
        using var guesser = From("127.0.0.3");
        string[] spellings = ["ALICE", "Alice", "aLice", "alIce", "aliCe", "alicE", "ALice", "AlIce", "AliCe", "AlicE"];
        foreach (var spelling in spellings) Assert.AreEqual(HttpStatusCode.Unauthorized, await PublishAsync(guesser, spelling, "wrong"));

        foreach (var spelling in new[] { "alice", "ALICE", "aLiCe" })
            Assert.AreEqual(HttpStatusCode.Unauthorized, await PublishAsync(guesser, spelling, "alice-pw"), $"{spelling}: the account is locked for that address in every spelling");
    }

    [TestMethod]
    public async Task Occasional_typos_never_lock_a_user_who_also_logs_in_correctly()
    {
        await _host.AddAccountAsync("typist", "typist-pw");
        using var typist = From("127.0.0.4");
        Assert.AreEqual(HttpStatusCode.Accepted, await PublishAsync(typist, "typist", "typist-pw")); // from now on served from the login cache
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < LoginThrottle.MaxFailures - 1; i++) Assert.AreEqual(HttpStatusCode.Unauthorized, await PublishAsync(typist, "typist", "typo"));
            Assert.AreEqual(HttpStatusCode.Accepted, await PublishAsync(typist, "typist", "typist-pw"), $"round {round}: the cached success forgives the typos");
        }
    }

    [TestMethod]
    public async Task A_flood_of_failed_logins_under_random_names_is_refused_before_hashing()
    {
        await _host.AddAccountAsync("carol", "carol-pw");
        using var flooder = From("127.0.0.5");
        for (var i = 0; i <= FailedLoginLimiter.FailuresPerMinute; i++)
            Assert.AreEqual(HttpStatusCode.Unauthorized, await PublishAsync(flooder, $"random-{i}", "guess"));

        // A right password from that address is refused too: the address is stopped before any password is checked.
        Assert.AreEqual(HttpStatusCode.Unauthorized, await PublishAsync(flooder, "carol", "carol-pw"));
        using var elsewhere = From("127.0.0.6");
        Assert.AreEqual(HttpStatusCode.Accepted, await PublishAsync(elsewhere, "carol", "carol-pw"), "other addresses are not affected");
    }
}
