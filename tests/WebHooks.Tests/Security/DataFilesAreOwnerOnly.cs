using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WebHooks.Service.Admin;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Security;

/// <summary>
/// The database holds password hashes, webhook secrets and the key that signs reactivation links; the admin
/// socket adds accounts. Another local user must be able to read none of the files and connect to no socket,
/// even when the service is started with a permissive umask (000 here, set around the start).
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
[TestCategory("LiteDbOnly")]
[UnsupportedOSPlatform("windows")]
public sealed class DataFilesAreOwnerOnly
{
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private string _root = null!;

    [TestInitialize]
    public void Folder()
    {
        if (OperatingSystem.IsWindows()) Assert.Inconclusive("Unix file modes only");
        _root = Path.Combine(Path.GetTempPath(), "webhooks-modes-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
    }

    [TestCleanup]
    public void Clean() => Directory.Delete(_root, recursive: true);

    [TestMethod]
    public async Task TheDataFolderTheDatabaseItsLogAndTheLockAreOwnerOnlyUnderUmask000()
    {
        var folder = Path.Combine(_root, "data"); // does not exist yet: the service creates it
        var database = Path.Combine(folder, "webhooks.db");

        await using (var host = await StartUnderUmask000Async(database))
        {
            // A write, so that LiteDB's log file exists as well.
            await Api.CreateWebHookAsync(host.Http, "https://example.com/hooks/modes");

            Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder),
                $"the data folder the service created: {File.GetUnixFileMode(folder)}");
            var files = new[] { database, Path.Combine(folder, "webhooks-log.db"), database + ".lock" };
            foreach (var file in files)
            {
                Assert.IsTrue(File.Exists(file), file + " exists");
                Assert.AreEqual(UnixFileMode.None, File.GetUnixFileMode(file) & GroupOrOther, $"{file}: {File.GetUnixFileMode(file)}");
            }
        }
    }

    [TestMethod]
    public async Task TheAdminSocketIsOwnerOnlyFromItsCreation()
    {
        var database = Path.Combine(_root, "webhooks.db");
        var socket = AdminSocket.PathFor(database);
        var probe = new SocketModeProbe(socket);

        // The probe looks at the socket once the server listens, before the host reports "started":
        // from that moment on, anybody allowed to connect could add accounts.
        await using var host = await StartUnderUmask000Async(database, services => services.AddSingleton<IHostedService>(probe));

        Assert.IsNotNull(probe.ModeWhenListening, "the socket exists once the server listens");
        Assert.AreEqual(UnixFileMode.None, probe.ModeWhenListening.Value & GroupOrOther, $"mode when listening: {probe.ModeWhenListening}");
        Assert.AreEqual(UnixFileMode.None, File.GetUnixFileMode(socket) & GroupOrOther, $"mode now: {File.GetUnixFileMode(socket)}");
    }

    [TestMethod]
    public async Task FilesLeftReadableByAnEarlierVersionAreMadeOwnerOnlyAtStart()
    {
        var database = Path.Combine(_root, "webhooks.db");
        await using (var first = await ServiceHost.StartAsync(settings: new Dictionary<string, string> { ["WebHooks:Storage:Path"] = database }))
            await Api.CreateWebHookAsync(first.Http, "https://example.com/hooks/modes");
        var readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(database, readable);
        File.SetUnixFileMode(database + ".lock", readable);

        await using var second = await ServiceHost.StartAsync(settings: new Dictionary<string, string> { ["WebHooks:Storage:Path"] = database });

        Assert.AreEqual(UnixFileMode.None, File.GetUnixFileMode(database) & GroupOrOther, $"{database}: {File.GetUnixFileMode(database)}");
        Assert.AreEqual(UnixFileMode.None, File.GetUnixFileMode(database + ".lock") & GroupOrOther, $"lock: {File.GetUnixFileMode(database + ".lock")}");
    }

    private static async Task<ServiceHost> StartUnderUmask000Async(string database, Action<IServiceCollection>? configureServices = null)
    {
        var previous = umask(0);
        try
        {
            return await ServiceHost.StartAsync(settings: new Dictionary<string, string> { ["WebHooks:Storage:Path"] = database }, configureServices: configureServices);
        }
        finally
        {
            umask(previous);
        }
    }

    [DllImport("libc")]
    private static extern uint umask(uint mask);

    /// <summary>Records the socket's mode in StartedAsync: after the server started listening, before ApplicationStarted.</summary>
    private sealed class SocketModeProbe(string socket) : IHostedLifecycleService
    {
        public UnixFileMode? ModeWhenListening { get; private set; }

        public Task StartedAsync(CancellationToken cancellationToken)
        {
            ModeWhenListening = File.Exists(socket) ? File.GetUnixFileMode(socket) : null;
            return Task.CompletedTask;
        }

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
