using Microsoft.Extensions.Logging;
using Npgsql;

namespace WebHooks.Storage.PostgreSql.Signals;

/// <summary>
/// The LISTEN side: one dedicated connection per storage, reconnected automatically. Each notification of another
/// instance raises <see cref="EventsAppended"/> or <see cref="WebHooksTouched"/> with its webhook ids. Notifications
/// sent while the connection was down are lost, so after a reconnect <see cref="WebHooksTouched"/> is raised with an
/// empty list ("look at everything"); the engine's poll is the backstop.
/// </summary>
internal sealed class ChangeListener : IStorageSignals, IAsyncDisposable
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    private readonly Database _database;
    private readonly LocalTails _tails;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;

    public ChangeListener(Database database, TimeSpan pollInterval, LocalTails tails, ILogger logger)
    {
        _database = database;
        _tails = tails;
        _logger = logger;
        PollInterval = pollInterval;
        using (ExecutionContext.SuppressFlow()) _loop = Task.Run(RunAsync);
    }

    public event Action<IReadOnlyList<int>>? WebHooksTouched;
    public event Action<IReadOnlyList<int>>? EventsAppended;

    /// <summary>
    /// A delivery engine runs on this storage (it listens for appended events): it woke its own lanes for what this
    /// instance publishes. Not so in the command line's <c>publish</c>, whose wake-ups then ask the others to start lanes.
    /// </summary>
    public bool LanesHere => EventsAppended is not null;

    public TimeSpan PollInterval { get; }

    /// <summary>Completes once the first LISTEN is in place (tests wait for it before they expect a signal).</summary>
    public Task Listening => _listening.Task;

    private async Task RunAsync()
    {
        var connectedBefore = false;
        var failures = 0;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _database.OpenAsync(_stop.Token);
                connection.Notification += (_, e) =>
                {
                    var wakeup = Wakeups.Parse(e.Payload);
                    if (wakeup.Sender == _database.Instance) return;
                    if (wakeup.Deleted) _tails.Unlearn(wakeup.Ids); // (this instance's deletions unlearn as they commit)
                    // Before the lanes hear it: memory holds what the sender appended, or forgets the streams it wrote to.
                    if (wakeup.Events() is { } events) _tails.Heard(events, wakeup.Ids);
                    else _tails.Forget(wakeup.Ids);
                    Raise(wakeup.Ids, wakeup.Appended);
                };
                var channel = await connection.Command($"SELECT {Wakeups.Channel}").ScalarAsync<string>(_stop.Token)
                    ?? throw new InvalidOperationException("no schema of the search path exists");
                await connection.Command($"LISTEN \"{channel.Replace("\"", "\"\"")}\"").ExecuteAsync(_stop.Token);

                if (failures > 0) _logger.LogInformation("Listening for wake-ups from other instances again");
                _tails.Listening();
                if (connectedBefore) Raise([]); // what was sent while we were away is lost
                connectedBefore = true;
                failures = 0;
                _listening.TrySetResult();

                while (!_stop.IsCancellationRequested)
                {
                    // A quiet connection may be dead without knowing it: check it now and then.
                    if (!await connection.WaitAsync(Heartbeat, _stop.Token))
                        await connection.Command("SELECT 1").ExecuteAsync(_stop.Token);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _tails.Deaf();
                // One warning per outage, not one per retry.
                if (failures++ == 0)
                    _logger.LogWarning("Lost the LISTEN connection for wake-ups from other instances ({Reason}); reconnecting, polling meanwhile",
                        e is PostgreSqlUnavailableException ? e.Message : e.GetBaseException().Message);
                var backoff = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(failures, 10))));
                try { await Task.Delay(backoff, _stop.Token); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    private void Raise(IReadOnlyList<int> ids, bool appended = false)
    {
        try
        {
            (appended ? EventsAppended : WebHooksTouched)?.Invoke(ids);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "A wake-up handler failed");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _loop; }
        catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
