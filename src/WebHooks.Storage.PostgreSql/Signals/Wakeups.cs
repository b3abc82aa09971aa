using Npgsql;

namespace WebHooks.Storage.PostgreSql.Signals;

/// <summary>
/// The NOTIFY side of the wake-ups. A notification is sent at commit (and not at all on rollback), so it is issued
/// inside the transaction that made the change: once per transaction, because NOTIFY takes a global lock at commit.
/// The channel is <c>webhooks.</c> + the schema, so that deployments (or test schemas) in one database do not wake
/// each other.
/// </summary>
internal static class Wakeups
{
    /// <summary>NOTIFY payloads must stay under 8000 bytes.</summary>
    private const int MaxPayload = 7900;

    public const string Channel = "left('webhooks.' || current_schema(), 63)";

    public static async Task NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<int> webHookIds,
        CancellationToken cancellationToken)
    {
        var ids = webHookIds.Distinct().ToList();
        if (ids.Count == 0) return;
        await connection.Command($"SELECT pg_notify({Channel}, @payload)", transaction)
            .With("payload", Payload(ids)).ExecuteAsync(cancellationToken);
    }

    /// <summary>The ids, comma-separated; empty ("look at everything") when they would not fit.</summary>
    public static string Payload(IReadOnlyCollection<int> ids)
    {
        var payload = string.Join(',', ids);
        return payload.Length <= MaxPayload ? payload : "";
    }

    /// <summary>The ids of a payload; empty for an empty (or unreadable) payload, which means "look at everything".</summary>
    public static IReadOnlyList<int> Parse(string payload)
    {
        var ids = new List<int>();
        foreach (var part in payload.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, out var id)) return [];
            ids.Add(id);
        }
        return ids;
    }
}
