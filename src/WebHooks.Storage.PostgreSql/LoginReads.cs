namespace WebHooks.Storage.PostgreSql;

/// <summary>
/// The logins' reads (the failed logins under the throttle key, and the account), batched as the lanes' reads are: a
/// login that arrives while another read runs waits for it, and then goes with every login that gathered meanwhile, in
/// one statement. Every Basic-authenticated publish logs in, so with 16 publishers that was a round trip per publish.
/// Each login still reads the storage, and sees what was committed when its statement ran: an account removed or a
/// throttle counted on another instance counts here at once (spec 9).
/// </summary>
internal sealed class LoginReads(Database database) : Batches<(string ThrottleKey, string Name), (LoginFailures? Failures, Account? Account)>(MaxBatch)
{
    /// <summary>Logins per statement at most: about one per concurrent request.</summary>
    private const int MaxBatch = 64;

    private const string Sql = """
        SELECT r.i, f.key, f.count, f.last, a.name, a.password_hash, a.email, a.created
        FROM unnest(@keys, @names) WITH ORDINALITY AS r(key, name, i)
        LEFT JOIN login_failures f ON f.key = r.key
        LEFT JOIN accounts a ON a.name = r.name
        ORDER BY r.i
        """;

    /// <summary>The failed logins under <paramref name="throttleKey"/> and the account named <paramref name="name"/>.</summary>
    public Task<(LoginFailures? Failures, Account? Account)> ReadAsync(string throttleKey, string name, CancellationToken cancellationToken) =>
        SubmitAsync((throttleKey, name), cancellationToken);

    protected override Task HandleAsync(List<Pending> batch) => AnswerAsync(batch, () => ReadBatchAsync([.. batch.Select(p => p.Item)]));

    /// <summary>One row per login (the joins are outer ones), in the logins' order.</summary>
    private async Task<(LoginFailures?, Account?)[]> ReadBatchAsync(IReadOnlyList<(string ThrottleKey, string Name)> logins) =>
        [.. await database.RunAsync(c => c.Command(Sql)
            .With("keys", logins.Select(l => l.ThrottleKey).ToArray()).With("names", logins.Select(l => l.Name).ToArray())
            .ListAsync(r => (r.IsDBNull(1) ? null : SharedState.ReadLoginFailures(r, first: 1), r.IsDBNull(4) ? null : AccountStore.ReadAccount(r, first: 4)),
                CancellationToken.None), CancellationToken.None)];
}
