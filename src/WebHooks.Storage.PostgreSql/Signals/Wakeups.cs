using Npgsql;

namespace WebHooks.Storage.PostgreSql.Signals;

/// <summary>
/// The NOTIFY side of the wake-ups. A notification is sent at commit (and not at all on rollback), so it is issued
/// inside the transaction that made the change: once per transaction, because NOTIFY takes a global lock at commit.
/// The channel is <c>webhooks.</c> + the schema, so that deployments (or test schemas) in one database do not wake
/// each other. The payload names the sending instance, then the webhook ids: an instance ignores its own (it signalled
/// its lanes in process already; hearing them again cost each woken lane a needless save of its progress).
/// </summary>
internal static class Wakeups
{
    /// <summary>NOTIFY payloads must stay under 8000 bytes.</summary>
    private const int MaxPayload = 7900;

    public const string Channel = "left('webhooks.' || current_schema(), 63)";

    public static async Task NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sender, IEnumerable<int> webHookIds,
        CancellationToken cancellationToken)
    {
        var ids = webHookIds.Distinct().ToList();
        if (ids.Count == 0) return;
        await connection.Command($"SELECT pg_notify({Channel}, @payload)", transaction)
            .With("payload", Payload(sender, ids)).ExecuteAsync(cancellationToken);
    }

    /// <summary>The sender, a space, and the ids comma-separated; no ids ("look at everything") when they would not fit.</summary>
    public static string Payload(string sender, IReadOnlyCollection<int> ids)
    {
        var payload = sender + " " + string.Join(',', ids);
        return payload.Length <= MaxPayload ? payload : sender + " ";
    }

    /// <summary>
    /// The sender and ids of a payload: no ids for an empty (or unreadable) list, which means "look at everything". A
    /// payload of an earlier version (ids only) has no sender.
    /// </summary>
    public static (string? Sender, IReadOnlyList<int> Ids) Parse(string payload)
    {
        var space = payload.LastIndexOf(' ');
        var sender = space < 0 ? null : payload[..space];
        var ids = new List<int>();
        foreach (var part in payload[(space + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, out var id)) return (sender, []);
            ids.Add(id);
        }
        return (sender, ids);
    }
}
