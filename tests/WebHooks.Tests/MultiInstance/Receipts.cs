using System.Text.Json;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.MultiInstance;

/// <summary>One delivery as a receiver saw it: which webhook (by its URL's path), which event, which payload.</summary>
internal sealed record Receipt(string Path, string EventId, int P, int N, string Body, DateTime Received);

/// <summary>
/// What the receivers of the multi-instance tests check: every accepted event arrived at every webhook, in each
/// publisher's order, and a duplicate is the same event again (same <c>webhook-id</c>, same payload).
/// </summary>
internal sealed class Receipts
{
    private Receipts(IReadOnlyList<Receipt> all) => All = all;

    public IReadOnlyList<Receipt> All { get; }

    public static Receipts Of(TestReceiver receiver) => new([.. receiver.Requests.Select(r =>
    {
        using var json = JsonDocument.Parse(r.Body);
        return new Receipt(r.Path, r.Header("webhook-id"), json.RootElement.GetProperty("p").GetInt32(), json.RootElement.GetProperty("n").GetInt32(),
            r.BodyText, r.Received);
    })]);

    public IEnumerable<Receipt> For(string path) => All.Where(r => r.Path == path);

    /// <summary>Receipts beyond the first of each event per webhook.</summary>
    public int Duplicates => All.Count - All.Select(r => (r.Path, r.EventId)).Distinct().Count();

    /// <summary>True once every accepted event reached every one of <paramref name="paths"/>.</summary>
    public bool AreComplete(IEnumerable<string> paths, IReadOnlyDictionary<(int P, int N), string> accepted) =>
        paths.All(path => Missing(path, accepted).Count == 0);

    public List<(int P, int N)> Missing(string path, IReadOnlyDictionary<(int P, int N), string> accepted)
    {
        var seen = For(path).Select(r => r.EventId).ToHashSet();
        return [.. accepted.Where(a => !seen.Contains(a.Value)).Select(a => a.Key).OrderBy(k => k)];
    }

    /// <summary>
    /// Fails unless: every accepted event reached each webhook; each event id stands for one payload, the one published
    /// under it (a duplicate carries the same <c>webhook-id</c> and the same body); nothing arrived that was not
    /// accepted; and per webhook each publisher's events arrived in its order (first receipts; a redelivery after a
    /// failover may repeat events that came before).
    /// </summary>
    public void AssertCompleteAndInOrder(IReadOnlyList<string> paths, IReadOnlyDictionary<(int P, int N), string> accepted)
    {
        foreach (var path in paths)
        {
            var missing = Missing(path, accepted);
            Assert.AreEqual(0, missing.Count, $"{path}: {missing.Count} accepted events never arrived, first {string.Join(", ", missing.Take(10))}");
        }

        var byId = accepted.ToDictionary(a => a.Value, a => a.Key);
        Assert.AreEqual(accepted.Count, byId.Count, "each accepted event has an id of its own");
        foreach (var r in All)
        {
            Assert.IsTrue(byId.TryGetValue(r.EventId, out var published), $"{r.Path}: {r.EventId} ({r.Body}) was never accepted");
            Assert.AreEqual(published, (r.P, r.N), $"{r.Path}: webhook-id {r.EventId} came with the payload of another event: {r.Body}");
        }
        foreach (var same in All.GroupBy(r => r.EventId))
            Assert.AreEqual(1, same.Select(r => r.Body).Distinct().Count(), $"{same.Key} arrived with different bodies");

        foreach (var path in paths)
        {
            foreach (var publisher in For(path).GroupBy(r => r.P))
            {
                var firsts = publisher.DistinctBy(r => r.EventId).Select(r => r.N).ToList();
                for (var i = 1; i < firsts.Count; i++)
                    Assert.IsTrue(firsts[i] > firsts[i - 1],
                        $"{path}: publisher {publisher.Key}'s event {firsts[i]} arrived after its event {firsts[i - 1]}");
            }
        }
    }
}
