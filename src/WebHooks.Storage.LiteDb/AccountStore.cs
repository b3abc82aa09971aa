namespace WebHooks.Storage.LiteDb;

internal sealed class AccountStore(Database db, MemoryState state) : IAccountStore
{
    public Task<bool> AddAsync(Account account, CancellationToken cancellationToken = default) => db.WriteAsync(c =>
    {
        if (c.Accounts.FindById(account.Name) is not null) return false;
        var document = new AccountDocument { Name = account.Name, PasswordHash = account.PasswordHash, Email = account.Email, Created = account.Created };
        c.Accounts.Insert(document);
        state.AccountAdded(document);
        return true;
    });

    /// <summary>From memory: every publish and management call checks its caller.</summary>
    public Task<Account?> FindAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.Account(name)?.ToRecord());

    public Task<IReadOnlyList<Account>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Account>>([.. state.Accounts.Select(a => a.ToRecord()).OrderBy(a => a.Name, StringComparer.Ordinal)]);

    public Task<IReadOnlyList<int>?> RemoveAsync(string name, CancellationToken cancellationToken = default) => db.WriteAsync<IReadOnlyList<int>?>(c =>
    {
        if (c.Accounts.FindById(name) is not { } account || account.Name != name) return null;
        var removed = state.WebHooksOf(name).ToList();
        foreach (var webHook in removed) state.Remove(c, webHook);
        c.Notifications.DeleteMany(n => n.Account == name);
        c.ApiKeys.DeleteMany(k => k.Account == name);
        state.RemoveRecent(c, name);
        c.Accounts.Delete(name);
        state.AccountRemoved(name);
        return [.. removed.Select(w => w.Id)];
    });

    public Task AddApiKeyAsync(ApiKey key, CancellationToken cancellationToken = default) => db.WriteAsync(c =>
        c.ApiKeys.Insert(new ApiKeyDocument { Hash = key.Hash, Account = key.Account, Prefix = key.Prefix, Created = key.Created }));

    public Task<ApiKey?> FindApiKeyAsync(string hash, CancellationToken cancellationToken = default) =>
        Task.FromResult(db.Read.ApiKeys.FindById(hash) is { Revoked: null } key && key.Hash == hash
            ? new ApiKey(key.Hash, key.Account, key.Prefix, key.Created)
            : null);

    public Task<bool> RevokeApiKeyAsync(string account, string hash, DateTime now, CancellationToken cancellationToken = default) => db.WriteAsync(c =>
    {
        if (c.ApiKeys.FindById(hash) is not { Revoked: null } key || key.Hash != hash || key.Account != account) return false;
        key.Revoked = now;
        return c.ApiKeys.Update(key);
    });
}
