using Microsoft.Extensions.Logging.Abstractions;
using WebHooks.Delivery;
using WebHooks.Storage;
using WebHooks.Storage.LiteDb;

namespace WebHooks.Tests.Delivery;

/// <summary>The attempt log writes what it records, unless <see cref="DeliveryOptions.LogAttempts"/> turns it off.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class AttemptLogTests
{
    private readonly string _directory = Directory.CreateTempSubdirectory("webhooks-attemptlog-").FullName;

    [TestCleanup]
    public void DeleteFiles() => Directory.Delete(_directory, recursive: true);

    [TestMethod]
    public async Task Attempts_are_stored_only_while_logging_is_on()
    {
        await using var storage = LiteDbStorage.Open(new LiteDbStorageOptions { Path = Path.Combine(_directory, "webhooks.db") }, NullLogger.Instance);
        await storage.Accounts.AddAsync(new Account("acme", "hash", null, DateTime.UtcNow));
        var webHook = (await storage.WebHooks.CreateAsync(new NewWebHook("acme", "app", "optin_finalized", "http://127.0.0.1:9/", "secret", DateTime.UtcNow), 10))!;
        var options = new DeliveryOptions { LogAttempts = false };
        var log = new AttemptLog(storage, options, TimeProvider.System, NullLogger<AttemptLog>.Instance);
        await log.StartAsync(CancellationToken.None);
        try
        {
            log.Record(webHook, Event("evt_off"), 1, AttemptResult.Delivered(200), TimeSpan.FromMilliseconds(3));
            options.LogAttempts = true;
            log.Record(webHook, Event("evt_on"), 1, AttemptResult.Delivered(200), TimeSpan.FromMilliseconds(3));

            // The log is written in order: once the second attempt is there, the first would be too.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            IReadOnlyList<DeliveryAttempt> listed;
            while ((listed = await storage.Attempts.ListAsync("acme", webHook.Id, 10)).Count == 0 && DateTime.UtcNow < deadline)
                await Task.Delay(20);
            CollectionAssert.AreEqual(new[] { "evt_on" }, listed.Select(a => a.EventId).ToArray());
        }
        finally
        {
            await log.StopAsync(CancellationToken.None);
        }
    }

    private static StoredEvent Event(string id) => new(1, id, "optin_finalized", DateTime.UtcNow, "{}");
}
