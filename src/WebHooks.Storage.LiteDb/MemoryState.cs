using System.Collections.Concurrent;
using System.Globalization;

namespace WebHooks.Storage.LiteDb;

/// <summary>
/// What the process keeps in memory beside the file, so that the hot paths never read documents: every account (each
/// publish checks its caller's), every webhook, the webhooks of each stream, each stream's head (its last sequence)
/// and the id counters. Only the writer thread
/// changes it (inside its transactions); any thread reads it. After a rollback or a reopen it is loaded again from
/// what was committed, and swapped in whole, so that a reader never sees it half loaded.
/// </summary>
internal sealed class MemoryState
{
    public const string NextWebHookIdSetting = "next-webhook-id";
    public const string NextNotificationIdSetting = "next-notification-id";

    private volatile Tables _tables = new();

    public IEnumerable<WebHookDocument> WebHooks => _tables.WebHooks.Values;

    /// <summary>The account of exactly that (normalised) name.</summary>
    public AccountDocument? Account(string name) => _tables.Accounts.GetValueOrDefault(name);

    public IEnumerable<AccountDocument> Accounts => _tables.Accounts.Values;

    public WebHookDocument? WebHook(int id) => _tables.WebHooks.GetValueOrDefault(id);

    public IEnumerable<WebHookDocument> WebHooksOf(string account) =>
        _tables.WebHooks.Values.Where(w => w.Account == account).OrderBy(w => w.Id);

    /// <summary>The webhooks of a stream (an account's webhooks on one event).</summary>
    public IEnumerable<WebHookDocument> WebHooksOfStream(int streamId)
    {
        var tables = _tables;
        return tables.ByStream.TryGetValue(streamId, out var ids)
            ? ids.Select(id => tables.WebHooks.GetValueOrDefault(id)).OfType<WebHookDocument>()
            : [];
    }

    public int? FindStream(string account, string eventName) =>
        _tables.StreamIds.TryGetValue((account, eventName), out var id) ? id : null;

    public long Head(int streamId) => _tables.Heads.GetValueOrDefault(streamId);

    /// <summary>When the stream's last event was published: publish times never go back within a stream.</summary>
    public DateTime LastPublished(int streamId) => _tables.LastPublished.GetValueOrDefault(streamId);

    public IEnumerable<int> StreamIds => _tables.Heads.Keys;

    public WebHookRecord Record(WebHookDocument webHook) => webHook.ToRecord(Head(webHook.StreamId));

    // ---- writer thread only ----

    /// <summary>The stream's id, created if there is none yet.</summary>
    public int StreamFor(Collections db, string account, string eventName)
    {
        var tables = _tables;
        if (tables.StreamIds.TryGetValue((account, eventName), out var id)) return id;
        id = tables.StreamIds.IsEmpty ? 1 : tables.StreamIds.Values.Max() + 1;
        db.Streams.Insert(new StreamDocument { Id = id, Account = account, Event = eventName });
        tables.StreamIds[(account, eventName)] = id;
        tables.Heads[id] = 0;
        return id;
    }

    public void AccountAdded(AccountDocument account) => _tables.Accounts[account.Name] = account;

    public void AccountRemoved(string name) => _tables.Accounts.TryRemove(name, out _);

    public void Appended(int streamId, long head, DateTime published)
    {
        _tables.Heads[streamId] = head;
        _tables.LastPublished[streamId] = published;
    }

    /// <summary>
    /// The number of the next event of an account's ring of recent events; the ring's head (its last number, and the
    /// slot that holds it) is read from the file the first time (its slots are few), then kept here.
    /// </summary>
    public long NextRecent(Collections db, string account, string eventName)
    {
        var head = RecentHead(db, account, eventName);
        _tables.RecentHeads[(account, eventName)] = head with { Seq = head.Seq + 1 };
        return head.Seq + 1;
    }

    /// <summary>The slot of the ring's next write: the one after its last write's.</summary>
    public int NextRecentSlot(Collections db, string account, string eventName)
    {
        var head = RecentHead(db, account, eventName);
        var slot = (head.Slot + 1) % Events.RecentEvents.Kept;
        _tables.RecentHeads[(account, eventName)] = head with { Slot = slot };
        return slot;
    }

    private (long Seq, int Slot) RecentHead(Collections db, string account, string eventName)
    {
        if (_tables.RecentHeads.TryGetValue((account, eventName), out var known)) return known;
        (long Seq, int Slot) head = (0, Events.RecentEvents.Kept - 1); // an empty ring's first write takes slot 0
        foreach (var (slot, document) in RecentEventDocument.ReadRing(db.RecentEvents, account, eventName))
            if (document.Seq > head.Seq) head = (document.Seq, slot);
        return head;
    }

    /// <summary>Deletes the rings of recent events of an account.</summary>
    public void RemoveRecent(Collections db, string account)
    {
        foreach (var eventName in EventNames.All)
        {
            foreach (var id in RecentEventDocument.Ring(account, eventName)) db.RecentEvents.Delete(id);
            db.DiscardRecent(account, eventName);
            _tables.RecentHeads.TryRemove((account, eventName), out _);
        }
    }

    /// <summary>Stores the document and shares it (it must not change afterwards).</summary>
    public void Put(Collections db, WebHookDocument webHook, bool isNew = false)
    {
        if (isNew) db.WebHooks.Insert(webHook);
        else db.WebHooks.Update(webHook);
        var tables = _tables;
        tables.WebHooks[webHook.Id] = webHook;
        if (isNew) tables.ByStream.AddOrUpdate(webHook.StreamId, [webHook.Id], (_, ids) => [.. ids, webHook.Id]);
    }

    public void Remove(Collections db, WebHookDocument webHook)
    {
        db.WebHooks.Delete(webHook.Id);
        db.Attempts.DeleteMany(EventKey.Range(webHook.Id, 0, EventKey.MaxSequence)); // its attempts go with it
        var tables = _tables;
        tables.WebHooks.TryRemove(webHook.Id, out _);
        tables.ByStream.AddOrUpdate(webHook.StreamId, [], (_, ids) => [.. ids.Where(id => id != webHook.Id)]);
    }

    /// <summary>The next id of a kind (webhooks, notifications): counted in the file, so ids are never used twice.</summary>
    public static int NextId(Collections db, string setting)
    {
        var next = int.Parse(db.Setting(setting) ?? "1", CultureInfo.InvariantCulture);
        db.SetSetting(setting, (next + 1).ToString(CultureInfo.InvariantCulture));
        return next;
    }

    /// <summary>Loads everything from what the file holds now.</summary>
    public void Load(Collections db)
    {
        var tables = new Tables();
        foreach (var account in db.Accounts.FindAll()) tables.Accounts[account.Name] = account;
        foreach (var stream in db.Streams.FindAll())
        {
            tables.StreamIds[(stream.Account, stream.Event)] = stream.Id;
            var last = db.Events.Query().Where(EventKey.Range(stream.Id, 0, EventKey.MaxSequence))
                .OrderByDescending(e => e.Key).Limit(1).FirstOrDefault();
            tables.Heads[stream.Id] = last is null ? 0 : EventKey.SequenceOf(last.Key);
            if (last is not null) tables.LastPublished[stream.Id] = last.Published;
        }
        foreach (var webHook in db.WebHooks.FindAll())
        {
            tables.WebHooks[webHook.Id] = webHook;
            tables.ByStream.AddOrUpdate(webHook.StreamId, [webHook.Id], (_, ids) => [.. ids, webHook.Id]);
            // Retention may have deleted every event of a stream: its consumers still remember how far it went.
            var floor = Math.Max(webHook.Delivered, Math.Max(webHook.ResumeAfter, webHook.BufferClosedAt ?? 0));
            if (floor > tables.Heads.GetValueOrDefault(webHook.StreamId)) tables.Heads[webHook.StreamId] = floor;
        }
        _tables = tables;
    }

    private sealed class Tables
    {
        public readonly ConcurrentDictionary<string, AccountDocument> Accounts = new(StringComparer.Ordinal);
        public readonly ConcurrentDictionary<int, WebHookDocument> WebHooks = new();
        public readonly ConcurrentDictionary<int, int[]> ByStream = new();
        public readonly ConcurrentDictionary<(string Account, string Event), int> StreamIds = new();
        public readonly ConcurrentDictionary<int, long> Heads = new();
        public readonly ConcurrentDictionary<int, DateTime> LastPublished = new();

        /// <summary>The last number of each ring of recent events written since the load, and its slot (filled lazily).</summary>
        public readonly ConcurrentDictionary<(string Account, string Event), (long Seq, int Slot)> RecentHeads = new();
    }
}
