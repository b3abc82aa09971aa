using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WebHooks.Accounts;

namespace WebHooks.Bench;

/// <summary>
/// The benchmark's accounts, written once into a template database that each service run starts from.
/// This is what <c>WebHooks.Service accounts add NAME --password-stdin</c> does (the engine's
/// <see cref="AccountService"/> over the same file), run in-process: fifty CLI processes would take minutes
/// on this machine, and the password hashes can be computed in parallel.
/// </summary>
public static class Seeding
{
    public static IReadOnlyList<(string Name, string Password)> Accounts(int count) =>
        [.. Enumerable.Range(0, count).Select(i => ($"bench{i:D3}", $"bench-password-{i:D3}"))];

    public static async Task CreateTemplateAsync(string databasePath, IReadOnlyList<(string Name, string Password)> accounts)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["WebHooks:Storage:Path"] = databasePath })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddWebHooksEngine(configuration);
        await using var provider = services.BuildServiceProvider();
        var service = provider.GetRequiredService<AccountService>();
        var added = await Task.WhenAll(accounts.Select(a => Task.Run(() => service.AddAsync(a.Name, a.Password))));
        if (added.Any(ok => !ok)) throw new BenchException("an account of the template database exists already");
    }

    /// <summary>Copies the template (data file, and the -log file if there is one) into <paramref name="directory"/>.</summary>
    public static void CopyTemplate(string templatePath, string directory)
    {
        Directory.CreateDirectory(directory);
        var dir = Path.GetDirectoryName(templatePath)!;
        foreach (var name in new[] { "webhooks.db", "webhooks-log.db" })
        {
            var source = Path.Combine(dir, name);
            if (File.Exists(source)) File.Copy(source, Path.Combine(directory, name), overwrite: true);
        }
    }
}
