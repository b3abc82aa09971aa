using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using WebHooks.Tests.Soap;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.MultiInstance;

/// <summary>
/// Several instances of the service, each a child process (the built service dll), on one PostgreSQL schema of their
/// own, as an operator runs them behind a load balancer (spec 9). Calls go round-robin over the instances alive.
/// Development environment: the account demo/demo exists, receivers on loopback are allowed.
/// </summary>
internal sealed class Cluster : IAsyncDisposable
{
    public const string Account = "demo";
    public const string Password = "demo";

    private readonly TestSchema _schema;
    private readonly List<ServiceProcess> _instances;
    private readonly List<string> _homes;
    private readonly HashSet<ServiceProcess> _killed = [];
    private readonly Lock _lock = new();
    private int _next = -1;

    private Cluster(TestSchema schema, List<ServiceProcess> instances, List<string> homes) =>
        (_schema, _instances, _homes) = (schema, instances, homes);

    public IReadOnlyList<ServiceProcess> Instances => _instances;

    /// <summary>The schema's connection string (for looking at leases as the instances see them).</summary>
    public string ConnectionString => _schema.ConnectionString;

    /// <summary>
    /// Starts <paramref name="count"/> instances at once on a new schema, with extra settings (<c>Key=Value</c>). Each
    /// has a home folder of its own, as on a machine of its own: what ASP.NET Core would keep there by default (its
    /// data-protection keys) is not shared, so only what the database shares is.
    /// </summary>
    public static async Task<Cluster> StartAsync(int count, params string[] settings)
    {
        var schema = await PostgreSqlServer.CreateSchemaAsync();
        var homes = Enumerable.Range(0, count).Select(_ => Directory.CreateTempSubdirectory("webhooks-home-").FullName).ToList();
        var starts = homes.Select(home => ServiceProcess.StartWithAsync(
            ["--WebHooks:Storage:Provider=PostgreSql", $"--WebHooks:Storage:ConnectionString={schema.ConnectionString}",
             .. settings.Select(s => "--" + s)],
            new Dictionary<string, string> { ["HOME"] = home })).ToList();
        try
        {
            return new Cluster(schema, [.. await Task.WhenAll(starts)], homes);
        }
        catch
        {
            // WhenAll ended when every start had ended: stop those that came up.
            foreach (var start in starts.Where(s => s.IsCompletedSuccessfully)) await start.Result.DisposeAsync();
            await schema.DisposeAsync();
            foreach (var home in homes) Directory.Delete(home, recursive: true);
            throw;
        }
    }

    /// <summary>The next instance alive, round-robin.</summary>
    public ServiceProcess Next()
    {
        lock (_lock)
        {
            var alive = _instances.Where(i => !_killed.Contains(i)).ToList();
            return alive[(int)((uint)Interlocked.Increment(ref _next) % (uint)alive.Count)];
        }
    }

    /// <summary>SIGKILL of one instance: no shutdown, its leases stay behind until they expire.</summary>
    public void Kill(ServiceProcess instance)
    {
        lock (_lock) _killed.Add(instance);
        instance.Kill();
    }

    /// <summary>Creates a webhook with a SOAP call (document endpoint) on <paramref name="instance"/>; returns its id.</summary>
    public static async Task<int> CreateWebHookAsync(ServiceProcess instance, string url, string @event = "optin_finalized")
    {
        var reply = await RawSoap.PostAsync(instance.Http, RawSoap.DocumentPath, "CreateWebHook",
            [("username", Account), ("password", Password), ("app", "multi"), ("event", @event), ("url", url)]);
        var created = RawSoap.WebHook(reply.Return("CreateWebHook"));
        Assert.AreEqual(0, created.Error, $"{instance.BaseUrl}: {reply}");
        return created.Id;
    }

    /// <summary>The ids that <c>GetWebHooks</c> (SOAP) lists on <paramref name="instance"/>.</summary>
    public static async Task<int[]> ListWebHooksAsync(ServiceProcess instance)
    {
        var reply = await RawSoap.PostAsync(instance.Http, RawSoap.DocumentPath, "GetWebHooks", [("username", Account), ("password", Password)]);
        return RawSoap.Ids(reply.Return("GetWebHooks"));
    }

    /// <summary>
    /// Publishes on <paramref name="instance"/> with an idempotency key, so that a publish cut off by a kill can be
    /// repeated on another instance without storing the event twice. The event id of the 202, or null for any other answer.
    /// </summary>
    public static async Task<string?> TryPublishAsync(ServiceProcess instance, object data, string idempotencyKey, string @event = "optin_finalized")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/events")
        {
            Content = JsonContent.Create(new { @event, data, idempotencyKey }),
        };
        request.Headers.Authorization = ServiceHost.Basic(Account, Password);
        using var response = await instance.Http.SendAsync(request);
        if ((int)response.StatusCode != 202) return null;
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("eventId").GetString();
    }

    /// <summary>The webhooks whose lane the instance holds now (a live lease): the adapter names its owner after the process id.</summary>
    public async Task<int[]> LeasesHeldByAsync(ServiceProcess instance) =>
        [.. await QueryAsync("SELECT id FROM webhooks WHERE split_part(lease_owner, '/', 2) = @pid AND lease_until > now() ORDER BY id",
            instance.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>How many data-protection keys the instances keep in the database.</summary>
    public async Task<int> DataProtectionKeysAsync() => (await QueryAsync("SELECT count(*)::int FROM dataprotection_keys")).Single();

    private async Task<List<int>> QueryAsync(string sql, string? pid = null)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (pid is not null) command.Parameters.AddWithValue("pid", pid);
        var values = new List<int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) values.Add(reader.GetInt32(0));
        return values;
    }

    /// <summary>What every instance logged, for a failure message.</summary>
    public string Output() => string.Join("\n", _instances.Select((i, n) => $"--- instance {n} ({i.BaseUrl}, pid {i.ProcessId}):\n{Tail(i.Output)}"));

    private static string Tail(string output) => output.Length <= 4000 ? output : "…" + output[^4000..];

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances) await instance.DisposeAsync();
        await _schema.DisposeAsync();
        foreach (var home in _homes)
        {
            try { Directory.Delete(home, recursive: true); }
            catch (IOException) { }
        }
    }
}
