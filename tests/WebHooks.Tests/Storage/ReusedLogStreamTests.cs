using LiteDB;
using LiteDB.Engine;
using WebHooks.Storage.LiteDb;

namespace WebHooks.Tests.Storage;

/// <summary>
/// LiteDB's log kept at its size when LiteDB empties it: what a crash leaves is replayed as LiteDB wrote it since the
/// last checkpoint, never the pages left from before it; a log LiteDB wrote itself (the last release) is replayed too.
/// A crash is the files as they are while the database is still open, copied elsewhere and opened there: what LiteDB
/// committed is in the file at once, though a transaction's pages wait to go in one write until its last one comes.
/// </summary>
[TestClass]
[TestCategory("Storage")]
public sealed class ReusedLogStreamTests
{
    private const int PageSize = 8192;
    private static readonly string Padding = new('x', 3_000);
    private string _directory = null!;

    [TestInitialize]
    public void Folder() => _directory = Directory.CreateTempSubdirectory("webhooks-log-").FullName;

    [TestCleanup]
    public void Clean() => Directory.Delete(_directory, recursive: true);

    private string DataPath(string name = "live") => Path.Combine(_directory, name, "webhooks.db");

    private sealed class Opened(LiteDatabase database, ReusedLogStream log) : IDisposable
    {
        public LiteDatabase Database => database;
        public ReusedLogStream Log => log;
        public ILiteCollection<BsonDocument> Values => database.GetCollection("values");

        public string? Value(int i) => Values.FindById($"k{i}")?["v"].AsString;

        public void Dispose()
        {
            database.Dispose();
            log.Dispose();
        }
    }

    private static Opened Open(string dataPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(dataPath)!);
        var log = new ReusedLogStream(Database.LogPath(dataPath));
        var database = new LiteDatabase(new LiteEngine(new EngineSettings { Filename = dataPath, LogStream = log })) { CheckpointSize = 0 };
        return new Opened(database, log);
    }

    /// <summary>The data file and the log as a crash leaves them: copied while the database is open.</summary>
    private string CrashCopy(string name)
    {
        var copy = DataPath(name);
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.Copy(DataPath(), copy);
        File.Copy(Database.LogPath(DataPath()), Database.LogPath(copy));
        return copy;
    }

    private static void Put(Opened db, int i, string value) =>
        db.Values.Upsert(new BsonDocument { ["_id"] = $"k{i}", ["v"] = value, ["pad"] = Padding });

    [TestMethod]
    public void A_crash_replays_what_was_committed_since_the_checkpoint_and_not_the_pages_left_from_before_it()
    {
        using (var db = Open(DataPath()))
        {
            for (var i = 0; i < 300; i++) Put(db, i, "old"); // one transaction each: ~150 pages, each written many times
            var logged = new FileInfo(Database.LogPath(DataPath())).Length;
            db.Database.Checkpoint();
            Assert.AreEqual(0, db.Log.Length, "LiteDB emptied its log");
            Assert.AreEqual(logged, new FileInfo(Database.LogPath(DataPath())).Length, "the file kept its size");
            var afterCheckpoint = CrashCopy("after-checkpoint");

            Put(db, 0, "new");
            Put(db, 300, "new");
            Assert.IsLessThan(10L * PageSize, db.Log.Length, "the new log is a few pages, over the old ones");
            var afterWrites = CrashCopy("after-writes");

            using (var crashed = Open(afterCheckpoint))
            {
                Assert.AreEqual(300, crashed.Values.Count());
                Assert.IsTrue(Enumerable.Range(0, 300).All(i => crashed.Value(i) == "old"));
            }
            using (var crashed = Open(afterWrites))
            {
                Assert.AreEqual(301, crashed.Values.Count());
                Assert.AreEqual("new", crashed.Value(0), "an older image of the page, left in the file, was not replayed over it");
                Assert.AreEqual("new", crashed.Value(300));
                Assert.IsTrue(Enumerable.Range(1, 299).All(i => crashed.Value(i) == "old"));
            }
        }
    }

    [TestMethod]
    public void A_log_that_LiteDB_wrote_itself_is_replayed_and_then_reused()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DataPath())!);
        var stock = new LiteDatabase(new ConnectionString { Filename = DataPath(), Connection = ConnectionType.Direct }) { CheckpointSize = 0 };
        var values = stock.GetCollection("values");
        for (var i = 0; i < 20; i++) values.Upsert(new BsonDocument { ["_id"] = $"k{i}", ["v"] = "stock", ["pad"] = Padding });
        Assert.IsGreaterThan(0L, new FileInfo(Database.LogPath(DataPath())).Length, "LiteDB's own log holds the writes");
        var crashed = CrashCopy("stock");
        stock.Dispose();

        using (var db = Open(crashed))
        {
            Assert.AreEqual(20, db.Values.Count(), "LiteDB's log was replayed");
            Assert.IsTrue(Enumerable.Range(0, 20).All(i => db.Value(i) == "stock"));
            Put(db, 0, "ours");
        }
        using (var reopened = Open(crashed))
            Assert.AreEqual("ours", reopened.Value(0));
    }

    [TestMethod]
    public void Pages_read_back_are_the_bytes_written()
    {
        var pages = new byte[3 * PageSize];
        Random.Shared.NextBytes(pages);
        for (var page = 0; page < 3; page++)
        {
            pages[page * PageSize + 18] = 0; // no page confirms a transaction: they wait to be written together
            pages[page * PageSize + 31] = 0; // LiteDB 5 leaves byte 31 of a page at 0
        }

        var path = Path.Combine(_directory, "log.db");
        using (var log = new ReusedLogStream(path))
        {
            log.Write(pages, 0, pages.Length);
            var read = new byte[pages.Length];
            log.Position = 0;
            Assert.AreEqual(pages.Length, log.Read(read, 0, read.Length));
            CollectionAssert.AreEqual(pages, read);
        }
        using (var reopened = new ReusedLogStream(path))
        {
            Assert.AreEqual(pages.Length, reopened.Length, "the log is found again after a close");
            var read = new byte[PageSize];
            reopened.Position = PageSize;
            Assert.AreEqual(PageSize, reopened.Read(read, 0, PageSize));
            CollectionAssert.AreEqual(pages[PageSize..(2 * PageSize)], read);
        }
    }

    [TestMethod]
    public void The_file_is_truncated_for_real_once_every_255_times_it_is_emptied_so_no_old_page_passes_for_a_new_one()
    {
        var path = Path.Combine(_directory, "log.db");
        using var log = new ReusedLogStream(path);
        var page = new byte[PageSize];
        log.Write(page, 0, page.Length);
        log.Write(page, 0, page.Length);
        var sizes = new List<long>();
        for (var emptied = 1; emptied <= 300; emptied++)
        {
            log.SetLength(0);
            sizes.Add(new FileInfo(path).Length);
            log.Position = 0;
            log.Write(page, 0, page.Length); // one page each time: the second page of the first round stays behind
        }

        Assert.AreEqual(3L * PageSize, sizes[0], "the header and two pages: emptying keeps the file's size");
        Assert.IsTrue(sizes.Take(254).All(s => s == 3L * PageSize), "kept for the first round of tags");
        Assert.AreEqual(PageSize, sizes[254], "the 255th time starts a new round: the file is cut to its header");
        Assert.IsTrue(sizes.Skip(255).All(s => s == 2L * PageSize));
    }
}
