using Npgsql;

namespace WebHooks.Storage.PostgreSql;

/// <summary>
/// Group commit of publishes: appends that arrive while a transaction commits wait for it, and then go together in the
/// next one, with one NOTIFY and one commit (one WAL flush) for all of them. Each append keeps its own rules
/// (<see cref="EventStore.AppendInAsync"/>: sequence under the stream's row lock, idempotency claim). A batch takes the
/// stream locks in one order (by account and event, publishes of a stream in arrival order), so that batches of
/// several instances do not deadlock on them; a batch that the server refuses for any other reason is run again one
/// append per transaction, so that one bad publish fails alone.
/// </summary>
internal sealed class GroupCommit(Database database, Func<bool> lanesHere, LocalTails tails) : Batches<NewEvent, Appended>(MaxBatch)
{
    /// <summary>Appends per transaction at most: enough to absorb every publisher of a busy instance, small enough to keep locks short.</summary>
    private const int MaxBatch = 128;

    public Task<Appended> AppendAsync(NewEvent newEvent, CancellationToken cancellationToken) => SubmitAsync(newEvent, cancellationToken);

    protected override async Task HandleAsync(List<Pending> batch)
    {
        // OrderBy is stable: a stream's publishes keep their arrival order.
        List<Pending> ordered = [.. batch.OrderBy(p => p.Item.Account, StringComparer.Ordinal).ThenBy(p => p.Item.Event, StringComparer.Ordinal)];
        if (!await TryCommitAsync(ordered, failAll: ordered.Count == 1))
            foreach (var one in ordered) await TryCommitAsync([one], failAll: true);
    }

    /// <summary>Appends the batch in one transaction and completes its callers; false (nobody completed) when it failed and may be retried apart.</summary>
    private async Task<bool> TryCommitAsync(IReadOnlyList<Pending> batch, bool failAll)
    {
        try
        {
            var epoch = tails.Epoch;
            var (results, stored) = await database.InTransactionAsync((c, tx) =>
                EventStore.AppendBatchInAsync(c, tx, database.Instance, lanesHere(), tails, [.. batch.Select(p => p.Item)], CancellationToken.None),
                CancellationToken.None);
            // Committed: into memory before the callers hear (they wake the lanes that read it).
            tails.Add(stored, epoch);
            for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
            return true;
        }
        catch (PostgresException) when (!failAll)
        {
            // The server refused something in the batch and rolled it all back: nothing was stored, so each may go alone.
            // Other failures (a lost connection, say) may come after the commit was made: those are not tried again.
            return false;
        }
        catch (Exception e)
        {
            foreach (var pending in batch) pending.Done.TrySetException(e);
            return true;
        }
    }
}
