namespace WebHooks.Storage.LiteDb;

internal sealed class NotificationStore(Database db) : INotificationStore
{
    public Task<IReadOnlyList<Notification>> ListAsync(string account, int max, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Notification>>([.. db.Read.Notifications.Find(n => n.Account == account)
            .Where(n => n.Account == account)
            .OrderByDescending(n => n.Id)
            .Take(max)
            .Select(n => n.ToRecord())]);

    public Task<Notification?> FindAsync(int id, CancellationToken cancellationToken = default) =>
        Task.FromResult(db.Read.Notifications.FindById(id)?.ToRecord());
}
