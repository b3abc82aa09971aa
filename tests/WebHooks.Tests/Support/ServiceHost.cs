using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using WebHooks.Accounts;
using WebHooks.Service;

namespace WebHooks.Tests.Support;

/// <summary>
/// The real service, in this process, on real Kestrel at 127.0.0.1 (a free port) over a real LiteDB file in a
/// temporary folder, or a schema of its own on a real PostgreSQL (<see cref="TestStorage"/>). Development environment:
/// account demo/demo exists.
/// </summary>
public sealed class ServiceHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _ownsDirectory;
    private bool _stopped;

    private ServiceHost(WebApplication app, string directory, bool ownsDirectory)
    {
        _app = app;
        Directory = directory;
        _ownsDirectory = ownsDirectory;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First(a => !a.Contains("unix:", StringComparison.Ordinal)).TrimEnd('/');
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl + "/") };
    }

    public string BaseUrl { get; }
    public string Directory { get; }
    public string DatabasePath => Path.Combine(Directory, "webhooks.db");
    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    /// <param name="directory">Reuse a folder (and its database) of an earlier host: a restart.</param>
    /// <param name="settings">Extra configuration, as <c>Key</c> → value (e.g. <c>WebHooks:Delivery:Timeout</c>).</param>
    public static async Task<ServiceHost> StartAsync(
        string? directory = null,
        IDictionary<string, string>? settings = null,
        Action<IServiceCollection>? configureServices = null,
        string environment = "Development")
    {
        var owns = directory is null;
        directory ??= Path.Combine(Path.GetTempPath(), "webhooks-test-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);

        var args = new List<string>
        {
            "--urls=http://127.0.0.1:0",
            $"--environment={environment}",
            $"--contentRoot={AppContext.BaseDirectory}",
        };
        args.AddRange(TestStorage.ArgumentsFor(directory));
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) args.Add($"--{key}={value}");

        var app = WebHooksApp.Build([.. args], configureServices);
        await app.StartAsync();
        return new ServiceHost(app, directory, owns);
    }

    /// <summary>Creates an account through the same code the admin command line uses.</summary>
    public async Task AddAccountAsync(string name, string password, string? email = null) =>
        await Get<AccountService>().AddAsync(name, password, email);

    public static AuthenticationHeaderValue Basic(string name, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{name}:{password}")));

    /// <summary>Stops the service but keeps its folder, for a restart over the same database.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_ownsDirectory)
        {
            TestStorage.Drop(Directory);
            try { System.IO.Directory.Delete(Directory, recursive: true); }
            catch (IOException) { }
        }
    }
}
