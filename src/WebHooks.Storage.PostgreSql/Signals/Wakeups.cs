using Npgsql;

namespace WebHooks.Storage.PostgreSql.Signals;

/// <summary>
/// The NOTIFY side of the wake-ups. A notification is sent at commit (and not at all on rollback), so it is issued
/// inside the transaction that made the change: once per transaction, because NOTIFY takes a global lock at commit.
/// The channel is <c>webhooks.</c> + the schema, so that deployments (or test schemas) in one database do not wake
/// each other. The payload is the sending instance, what happened and the webhook ids, comma-separated. What happened
/// is <c>appended</c> (events for the webhooks, nothing else, and the sender woke its own lanes for them: the others
/// wake only the lanes they run) or <c>changed</c> (the webhooks themselves, or events from a sender without lanes:
/// the others look again, starting lanes). An instance ignores its own wake-ups (it signalled its lanes in process
/// already), and a lane saves its progress, which rereads its webhook, only after a change: hearing every publish
/// as a change cost a needless save per wake-up.
/// </summary>
internal static class Wakeups
{
    /// <summary>NOTIFY payloads must stay under 8000 bytes.</summary>
    private const int MaxPayload = 7900;

    public const string Channel = "left('webhooks.' || current_schema(), 63)";

    private const string Appended = "appended", Changed = "changed";

    public static async Task NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sender, IEnumerable<int> webHookIds,
        bool appended, CancellationToken cancellationToken)
    {
        if (Statement(sender, appended, webHookIds) is not { } notify) return;
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { notify } };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The NOTIFY as a statement, to go in a batch with others (one round trip); null when there is nobody to wake.</summary>
    public static NpgsqlBatchCommand? Statement(string sender, bool appended, IEnumerable<int> webHookIds)
    {
        var ids = webHookIds.Distinct().ToList();
        if (ids.Count == 0) return null;
        return new NpgsqlBatchCommand($"SELECT pg_notify({Channel}, @payload)") { Parameters = { new NpgsqlParameter("payload", Payload(sender, appended, ids)) } };
    }

    /// <summary>Sender, kind and ids; no ids (a change of "everything") when they would not fit.</summary>
    public static string Payload(string sender, bool appended, IReadOnlyCollection<int> ids)
    {
        var payload = $"{sender} {(appended ? Appended : Changed)} {string.Join(',', ids)}";
        return payload.Length <= MaxPayload ? payload : $"{sender} {Changed} ";
    }

    /// <summary>
    /// What a payload says. No ids (an empty or unreadable list) means a change of everything: "look at everything".
    /// A payload of an earlier version (ids only) has no sender and counts as a change.
    /// </summary>
    public static (string? Sender, bool Appended, IReadOnlyList<int> Ids) Parse(string payload)
    {
        var parts = payload.Split(' ');
        var (sender, kind, list) = parts.Length == 3 ? (parts[0], parts[1], parts[2]) : (null, Changed, payload);
        var ids = new List<int>();
        foreach (var part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, out var id)) return (sender, false, []);
            ids.Add(id);
        }
        return (sender, kind == Appended && ids.Count > 0, ids);
    }
}
