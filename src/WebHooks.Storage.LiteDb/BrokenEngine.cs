using System.Collections;
using System.Reflection;
using LiteDB;

namespace WebHooks.Storage.LiteDb;

/// <summary>
/// Closing a LiteDB engine that a failed write (a full disk) left behind. LiteDB 5's transactions have finalizers that
/// roll their pages back; on such an engine that throws ("discarded page must be writable") on the finalizer thread,
/// which ends the whole process, some time after the file was reopened. The transactions of the broken engine are
/// therefore told never to finalize before it is closed. Reflection on LiteDB 5.0.x internals (LiteDatabase._engine,
/// LiteEngine._monitor, TransactionMonitor._transactions): should they move, nothing is suppressed, and a warning says so.
/// </summary>
internal static class BrokenEngine
{
    private const BindingFlags Private = BindingFlags.Instance | BindingFlags.NonPublic;

    /// <summary>Closes <paramref name="database"/> without letting anything of it run later; false when the internals were not found.</summary>
    public static bool Close(LiteDatabase database, Action<Exception> onError)
    {
        var found = SuppressFinalizers(database);
        GC.SuppressFinalize(database);
        try { database.Dispose(); }
        catch (Exception e) { onError(e); }
        return found;
    }

    private static bool SuppressFinalizers(LiteDatabase database)
    {
        var engine = typeof(LiteDatabase).GetField("_engine", Private)?.GetValue(database);
        var monitor = engine?.GetType().GetField("_monitor", Private)?.GetValue(engine);
        if (monitor?.GetType().GetField("_transactions", Private)?.GetValue(monitor) is not IDictionary transactions) return false;
        lock (transactions)
        {
            foreach (var transaction in transactions.Values)
                if (transaction is not null) GC.SuppressFinalize(transaction);
        }
        return true;
    }
}
