using WebHooks.Storage;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Storage;

/// <summary>The storage contract on PostgreSQL: each test gets a schema of its own on the server of <see cref="PostgreSqlServer"/>.</summary>
[TestClass]
[TestCategory("Storage")]
[TestCategory("PostgreSql")]
public sealed class PostgreSqlStorageContractTests : StorageContractTests
{
    private readonly Dictionary<IWebHooksStorage, TestSchema> _schemaOf = [];
    private readonly List<TestSchema> _schemas = [];

    protected override async Task<IWebHooksStorage> OpenAsync(TimeSpan? leaseDuration = null)
    {
        var schema = await PostgreSqlServer.CreateSchemaAsync();
        _schemas.Add(schema);
        return await OpenOnAsync(schema, leaseDuration);
    }

    protected override async Task<IWebHooksStorage> ReopenAsync(IWebHooksStorage storage)
    {
        var schema = _schemaOf[storage];
        await storage.DisposeAsync();
        _schemaOf.Remove(storage);
        return await OpenOnAsync(schema, null);
    }

    private async Task<IWebHooksStorage> OpenOnAsync(TestSchema schema, TimeSpan? leaseDuration)
    {
        var storage = schema.Open(leaseDuration);
        _schemaOf[storage] = schema;
        await storage.MigrateAsync();
        return storage;
    }

    [TestCleanup]
    public async Task DropSchemasAsync()
    {
        foreach (var storage in _schemaOf.Keys) await storage.DisposeAsync();
        foreach (var schema in _schemas) await schema.DisposeAsync();
    }
}
