using Microsoft.Extensions.Logging.Abstractions;
using WebHooks.Storage;
using WebHooks.Storage.LiteDb;

namespace WebHooks.Tests.Storage;

/// <summary>The storage contract on the embedded store: each test gets a file of its own in a temporary folder.</summary>
[TestClass]
[TestCategory("Storage")]
public sealed class LiteDbStorageContractTests : StorageContractTests
{
    private readonly string _directory = Directory.CreateTempSubdirectory("webhooks-contract-").FullName;
    private readonly Dictionary<IWebHooksStorage, string> _pathOf = [];

    protected override Task<IWebHooksStorage> OpenAsync(TimeSpan? leaseDuration = null) =>
        Task.FromResult(OpenAt(Path.Combine(_directory, $"{Guid.NewGuid():N}.db"), leaseDuration));

    protected override async Task<IWebHooksStorage> ReopenAsync(IWebHooksStorage storage)
    {
        var path = _pathOf[storage];
        _pathOf.Remove(storage);
        await storage.DisposeAsync();
        return OpenAt(path, null);
    }

    private IWebHooksStorage OpenAt(string path, TimeSpan? leaseDuration)
    {
        var storage = LiteDbStorage.Open(new LiteDbStorageOptions { Path = path, LeaseDuration = leaseDuration ?? TimeSpan.FromSeconds(30) }, NullLogger.Instance);
        _pathOf[storage] = path;
        return storage;
    }

    [TestCleanup]
    public async Task DeleteFilesAsync()
    {
        foreach (var storage in _pathOf.Keys) await storage.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
