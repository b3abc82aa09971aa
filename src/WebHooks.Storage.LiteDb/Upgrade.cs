using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using WebHooks.Accounts;
using WebHooks.Lifecycle;

namespace WebHooks.Storage.LiteDb;

/// <summary>
/// Brings a file written by an earlier version to the current shape, in one transaction at start-up. Version 1 (the
/// first release) differs in four ways: account names kept their spelling, idempotency keys were ids (compared
/// ignoring case by LiteDB), ids came from LiteDB's auto-increment (which reuses the highest id after a deletion), and
/// a closed buffer had no recorded end. Version 3 stores a stream's events of one write in one document (see
/// <see cref="EventDocument"/>): a document of version 2 is a block of one, so nothing is converted; the number tells
/// versions that read one event per document to leave the file alone.
/// </summary>
internal static class Upgrade
{
    public const int CurrentVersion = 3;
    private const string VersionSetting = "schema-version";

    public static int VersionOf(Collections db) =>
        int.Parse(db.Setting(VersionSetting) ?? (db.Accounts.Count() + db.WebHooks.Count() == 0 ? "0" : "1"), CultureInfo.InvariantCulture);

    /// <summary>Upgrades the file when needed; returns the version it had.</summary>
    public static int Run(Collections db, TimeSpan bufferPeriod)
    {
        var version = VersionOf(db);
        if (version == CurrentVersion) return version;
        if (version > CurrentVersion)
            throw new InvalidOperationException($"the database was written by a newer version (schema {version}; this version knows {CurrentVersion})");

        db.Database.BeginTrans();
        try
        {
            if (version == 1) FromVersion1(db, bufferPeriod);
            if (version < 2)
            {
                var nextWebHook = db.WebHooks.Count() == 0 ? 1 : db.WebHooks.Max(w => w.Id) + 1;
                var nextNotification = db.Notifications.Count() == 0 ? 1 : db.Notifications.Max(n => n.Id) + 1;
                db.SetSetting(MemoryState.NextWebHookIdSetting, nextWebHook.ToString(CultureInfo.InvariantCulture));
                db.SetSetting(MemoryState.NextNotificationIdSetting, nextNotification.ToString(CultureInfo.InvariantCulture));
            }
            db.SetSetting(VersionSetting, CurrentVersion.ToString(CultureInfo.InvariantCulture));
            db.Database.Commit();
        }
        catch
        {
            db.Database.Rollback();
            throw;
        }
        return version;
    }

    private static void FromVersion1(Collections db, TimeSpan bufferPeriod)
    {
        foreach (var account in db.Accounts.FindAll().ToList())
        {
            var name = AccountName.Normalize(account.Name);
            if (name == account.Name) continue;
            db.Accounts.Delete(account.Name);
            account.Name = name;
            db.Accounts.Insert(account);
        }
        foreach (var stream in db.Streams.FindAll().ToList())
        {
            stream.Account = AccountName.Normalize(stream.Account);
            db.Streams.Update(stream);
        }
        foreach (var notification in db.Notifications.FindAll().ToList())
        {
            notification.Account = AccountName.Normalize(notification.Account);
            db.Notifications.Update(notification);
        }
        foreach (var webHook in db.WebHooks.FindAll().ToList())
        {
            webHook.Account = AccountName.Normalize(webHook.Account);
            if (!webHook.Active && webHook.Deactivated is { } since && webHook.DroppedEvents > 0)
                webHook.BufferClosedAt = LastPublishedBefore(db, webHook.StreamId, webHook.Delivered, BufferRules.BufferEnd(since, bufferPeriod));
            db.WebHooks.Update(webHook);
        }
        foreach (var record in db.Idempotency.FindAll().ToList())
        {
            db.Idempotency.Delete(record.Id);
            var newline = record.Id.IndexOf('\n');
            if (newline < 0) continue;
            record.Id = IdempotencyId(AccountName.Normalize(record.Id[..newline]), record.Id[(newline + 1)..]);
            db.Idempotency.Upsert(record);
        }
    }

    /// <summary>The sequence of the last event after <paramref name="after"/> published before <paramref name="end"/>.</summary>
    private static long LastPublishedBefore(Collections db, int streamId, long after, DateTime end)
    {
        var last = after;
        foreach (var e in EventDocument.ReadAfter(db.Events, streamId, eventName: "", after))
        {
            if (e.Published >= end) break;
            last = e.Sequence;
        }
        return last;
    }

    public static string IdempotencyId(string account, string key) =>
        account + "\n" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
