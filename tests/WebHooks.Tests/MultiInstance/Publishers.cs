using System.Collections.Concurrent;

namespace WebHooks.Tests.MultiInstance;

/// <summary>
/// Several publishers at once, each with its own numbered sequence (<c>{"p": publisher, "n": number}</c>): a publisher
/// sends its next event only once the previous one was accepted, so its own events are published in the order of
/// their numbers, whatever the others do. Publishes go round-robin over the instances alive; one that fails (the
/// instance died under it) is repeated on the next instance with the same idempotency key.
/// </summary>
/// <param name="pause">How long each publisher waits between two events: a steady stream rather than a burst as fast as it goes.</param>
internal sealed class Publishers(Cluster cluster, int publishers, int eventsEach, TimeSpan pause = default)
{
    private const int MaxTries = 20;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private int _repeated;

    /// <summary>Every accepted event (a 202): (publisher, number) → event id.</summary>
    public ConcurrentDictionary<(int P, int N), string> Accepted { get; } = new();

    /// <summary>Publishes that had to be repeated on another instance.</summary>
    public int Repeated => _repeated;

    public int Total => publishers * eventsEach;

    public Task RunAsync() => Task.WhenAll(Enumerable.Range(0, publishers).Select(p => Task.Run(() => PublishAllAsync(p))));

    private async Task PublishAllAsync(int p)
    {
        for (var n = 0; n < eventsEach; n++)
        {
            for (var attempt = 1; ; attempt++)
            {
                string? eventId = null;
                try
                {
                    eventId = await Cluster.TryPublishAsync(cluster.Next(), new { p, n }, $"{_run}-{p}-{n}");
                }
                catch (HttpRequestException)
                {
                    // The instance went away during the call: the event may or may not be stored; the key settles it.
                }
                if (eventId is not null)
                {
                    Accepted[(p, n)] = eventId;
                    if (pause > TimeSpan.Zero) await Task.Delay(pause);
                    break;
                }
                if (attempt == MaxTries) throw new AssertFailedException($"publisher {p}: event {n} was refused {MaxTries} times");
                Interlocked.Increment(ref _repeated);
                await Task.Delay(50 * attempt);
            }
        }
    }
}
