using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using WebHooks.Accounts;
using WebHooks.Events;
using System.Net.Http.Json;
using WebHooks.Service.Admin;
using WebHooks.Service.Hosting;
using WebHooks.Storage;

namespace WebHooks.Service.Cli;

/// <summary>
/// The admin command line: <c>accounts add NAME --password-stdin [--email ADDRESS]</c>, <c>accounts list</c>,
/// <c>accounts remove NAME</c>, <c>accounts apikey NAME [--revoke KEY]</c> and <c>publish EVENT DATA_JSON --account NAME</c>. It opens the same
/// configuration and database as the service.
/// </summary>
public static class AdminCommands
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "accounts" or "publish" or "migrate" or "help" or "--help";

    public static async Task<int> RunAsync(string[] args, TextReader? input = null, TextWriter? output = null, TextWriter? error = null)
    {
        input ??= Console.In;
        output ??= Console.Out;
        error ??= Console.Error;
        var (positional, flags) = Parse(args);
        if (positional is ["accounts", "add", _] && flags.ContainsKey("--password-stdin"))
            flags[PasswordRead] = (await input.ReadLineAsync())?.TrimEnd('\r'); // once, whoever ends up using it

        try
        {
            return await RunLocallyAsync(positional, flags, input, output, error);
        }
        catch (DatabaseInUseException e)
        {
            // A service holds the database: ask it to do the work over its admin socket.
            try
            {
                return await RunRemotelyAsync(e.Path, positional, flags, input, output, error);
            }
            catch (HttpRequestException)
            {
                error.WriteLine($"error: {e.Message}, and its admin socket does not answer; stop it and try again");
                return 1;
            }
        }
        catch (IOException e)
        {
            error.WriteLine($"error: cannot open the database: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> RunLocallyAsync(string[] positional, Dictionary<string, string?> flags, TextReader input, TextWriter output, TextWriter error)
    {
        switch (positional)
        {
            case ["accounts", "add", var name]:
                return await AddAccount(name, flags, input, output, error);
            case ["accounts", "list"]:
                return await ListAccounts(flags, output);
            case ["accounts", "remove", var name]:
                return await RemoveAccount(name, flags, output, error);
            case ["accounts", "apikey", var name]:
                return await ApiKey(name, flags, output, error);
            case ["publish", var eventName, var data]:
                return await Publish(eventName, data, flags, output, error);
            case ["migrate"]:
                return await Migrate(flags, output);
            case ["help"] or []:
                output.WriteLine(Usage);
                return 0;
            default:
                error.WriteLine(Usage);
                return 2;
        }
    }

    private static async Task<int> RunRemotelyAsync(string databasePath, string[] positional, Dictionary<string, string?> flags, TextReader input, TextWriter output, TextWriter error)
    {
        using var admin = AdminSocket.Client(databasePath);
        HttpResponseMessage response;
        switch (positional)
        {
            case ["accounts", "add", var name]:
                if (flags.GetValueOrDefault(PasswordRead) is not { Length: > 0 } password) return Fail(error, "no password on standard input");
                response = await admin.PostAsJsonAsync("admin/accounts", new AdminSocket.AdminAccount(name, password, flags.GetValueOrDefault("--email")));
                if (response.IsSuccessStatusCode) output.WriteLine($"account {AccountName.Normalize(name)} added");
                break;
            case ["accounts", "list"]:
                response = await admin.GetAsync("admin/accounts");
                if (response.IsSuccessStatusCode)
                    foreach (var a in (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray())
                        output.WriteLine($"{a.GetProperty("name").GetString()}\t{a.GetProperty("created").GetDateTime():yyyy-MM-dd HH:mm:ss}\t{a.GetProperty("email").GetString()}");
                break;
            case ["accounts", "remove", var name]:
                response = await admin.DeleteAsync($"admin/accounts/{Uri.EscapeDataString(name)}");
                if (response.IsSuccessStatusCode) output.WriteLine($"account {AccountName.Normalize(name)} removed, with its webhooks");
                break;
            case ["accounts", "apikey", var name] when flags.GetValueOrDefault("--revoke") is { } revoked:
                response = await admin.PostAsJsonAsync($"admin/accounts/{Uri.EscapeDataString(name)}/apikeys/revoke", new AdminSocket.AdminApiKey(revoked));
                if (response.IsSuccessStatusCode) output.WriteLine(Revoked(name, revoked));
                break;
            case ["accounts", "apikey", var name]:
                if (flags.ContainsKey("--revoke")) return Fail(error, "--revoke needs the KEY to revoke");
                response = await admin.PostAsync($"admin/accounts/{Uri.EscapeDataString(name)}/apikeys", null);
                if (response.IsSuccessStatusCode) ShowNewKey((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!, output, error);
                break;
            case ["publish", var eventName, var data]:
                JsonElement parsed;
                try { parsed = JsonDocument.Parse(data).RootElement; }
                catch (JsonException e) { return Fail(error, $"DATA_JSON is not valid JSON: {e.Message}"); }
                response = await admin.PostAsJsonAsync("admin/publish", new AdminSocket.AdminPublish(flags.GetValueOrDefault("--account") ?? "", eventName, parsed));
                if (response.IsSuccessStatusCode) output.WriteLine(await response.Content.ReadAsStringAsync());
                break;
            default:
                return await RunLocallyAsync(positional, flags, input, output, error);
        }
        if (response.IsSuccessStatusCode) return 0;
        var body = await response.Content.ReadAsStringAsync();
        var message = body.StartsWith('{') && JsonDocument.Parse(body).RootElement.TryGetProperty("error", out var e2) ? e2.GetString() : body;
        return Fail(error, message ?? $"HTTP {(int)response.StatusCode}");
    }

    private const string PasswordRead = "(password read from standard input)";

    private const string Usage = """
        usage:
          WebHooks.Service                                  serve (see appsettings.json, --urls)
          WebHooks.Service accounts add NAME --password-stdin [--email ADDRESS]
          WebHooks.Service accounts list
          WebHooks.Service accounts remove NAME
          WebHooks.Service accounts apikey NAME             make an API key for the REST API (printed once, only its hash is kept)
          WebHooks.Service accounts apikey NAME --revoke KEY
          WebHooks.Service publish EVENT DATA_JSON --account NAME
          WebHooks.Service migrate                          create or upgrade the database schema, then exit
        Configuration options such as --WebHooks:Storage:Path=FILE apply to every command.
        """;

    private static async Task<int> AddAccount(string name, Dictionary<string, string?> flags, TextReader input, TextWriter output, TextWriter error)
    {
        if (AccountName.Validate(name) is { } bad) return Fail(error, $"invalid account name: {bad}");
        var email = flags.GetValueOrDefault("--email");
        if (flags.ContainsKey("--email") && EmailAddress.Validate(email) is { } badEmail) return Fail(error, $"invalid e-mail address: {badEmail}");
        if (!flags.ContainsKey("--password-stdin")) return Fail(error, "accounts add needs --password-stdin (the password is read from standard input)");
        if (flags.GetValueOrDefault(PasswordRead) is not { Length: > 0 } password) return Fail(error, "no password on standard input");

        await using var engine = await Engine.OpenAsync(flags);
        name = AccountName.Normalize(name);
        if (!await engine.Accounts.AddAsync(name, password, email))
            return Fail(error, $"account {name} exists already");
        output.WriteLine($"account {name} added");
        return 0;
    }

    private static async Task<int> ListAccounts(Dictionary<string, string?> flags, TextWriter output)
    {
        await using var engine = await Engine.OpenAsync(flags);
        foreach (var account in await engine.Accounts.ListAsync())
            output.WriteLine($"{account.Name}\t{account.Created:yyyy-MM-dd HH:mm:ss}\t{account.Email}");
        return 0;
    }

    private static async Task<int> RemoveAccount(string name, Dictionary<string, string?> flags, TextWriter output, TextWriter error)
    {
        await using var engine = await Engine.OpenAsync(flags);
        name = AccountName.Normalize(name);
        if (!await engine.Accounts.RemoveAsync(name)) return Fail(error, $"no account {name}");
        output.WriteLine($"account {name} removed, with its webhooks");
        return 0;
    }

    private static async Task<int> ApiKey(string name, Dictionary<string, string?> flags, TextWriter output, TextWriter error)
    {
        if (flags.ContainsKey("--revoke") && flags["--revoke"] is not { Length: > 0 }) return Fail(error, "--revoke needs the KEY to revoke");
        await using var engine = await Engine.OpenAsync(flags);
        name = AccountName.Normalize(name);
        if (flags.GetValueOrDefault("--revoke") is { } key)
        {
            if (!await engine.ApiKeys.RevokeAsync(name, key)) return Fail(error, $"{name} has no such API key (or it was revoked already)");
            output.WriteLine(Revoked(name, key));
            return 0;
        }
        if (await engine.ApiKeys.CreateAsync(name) is not { } created) return Fail(error, $"no account {name}");
        ShowNewKey(created, output, error);
        return 0;
    }

    /// <summary>The key alone on standard output (for scripts); the advice on standard error.</summary>
    private static void ShowNewKey(string key, TextWriter output, TextWriter error)
    {
        output.WriteLine(key);
        error.WriteLine("This API key is shown once: store it now. Send it as X-API-Key: KEY or Authorization: Bearer KEY.");
    }

    private static string Revoked(string name, string key) =>
        $"API key {key[..Math.Min(key.Length, WebHooks.Accounts.ApiKeys.ShownCharacters)]}… of {AccountName.Normalize(name)} revoked";

    private static async Task<int> Migrate(Dictionary<string, string?> flags, TextWriter output)
    {
        await using var engine = await Engine.OpenAsync(flags);
        output.WriteLine("the database schema is up to date");
        return 0;
    }

    private static async Task<int> Publish(string eventName, string data, Dictionary<string, string?> flags, TextWriter output, TextWriter error)
    {
        if (flags.GetValueOrDefault("--account") is not { Length: > 0 } account) return Fail(error, "publish needs --account NAME");
        JsonElement parsed;
        try { parsed = JsonDocument.Parse(data).RootElement; }
        catch (JsonException e) { return Fail(error, $"DATA_JSON is not valid JSON: {e.Message}"); }
        if (EventIntake.Validate(eventName, parsed, null) is { } bad) return Fail(error, bad);

        await using var engine = await Engine.OpenAsync(flags);
        if (await engine.Accounts.FindAsync(account) is not { } found) return Fail(error, $"no account {account}");
        var published = await engine.Intake.PublishAsync(found.Name, eventName, parsed.GetRawText());
        output.WriteLine(JsonSerializer.Serialize(new { eventId = published.EventId, webhooks = published.WebHooks }));
        return 0;
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine("error: " + message);
        return 1;
    }

    /// <summary>Splits <c>--flag value</c> pairs (and bare <c>--password-stdin</c>) from positional words; <c>--Key=Value</c> goes to configuration.</summary>
    private static (string[] Positional, Dictionary<string, string?> Flags) Parse(string[] args)
    {
        var positional = new List<string>();
        var flags = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('=')) flags[arg] = null; // configuration
            else if (arg is "--password-stdin") flags[arg] = null;
            // A flag's value is the next word, unless that is an option itself (a flag given without its value).
            else if (arg.StartsWith("--", StringComparison.Ordinal))
                flags[arg] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            else positional.Add(arg);
        }
        return ([.. positional], flags);
    }

    /// <summary>The engine services without the web host, over the configured storage (migrated on opening).</summary>
    private sealed class Engine : IAsyncDisposable
    {
        private readonly ServiceProvider _services;

        private Engine(ServiceProvider services) => _services = services;

        public AccountService Accounts => _services.GetRequiredService<AccountService>();
        public EventIntake Intake => _services.GetRequiredService<EventIntake>();
        public ApiKeys ApiKeys => _services.GetRequiredService<ApiKeys>();

        public static async Task<Engine> OpenAsync(Dictionary<string, string?> flags)
        {
            var configArgs = flags.Keys.Where(k => k.Contains('=')).ToArray();
            var builder = WebApplication.CreateSlimBuilder(SettingsFiles.BuilderOptions(configArgs));
            var services = new ServiceCollection();
            services.AddSingleton<IConfiguration>(builder.Configuration);
            services.AddLogging();
            services.AddWebHooksStorage();
            services.AddWebHooksEngine(builder.Configuration);
            services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>));
            var provider = services.BuildServiceProvider();
            try
            {
                await provider.GetRequiredService<IWebHooksStorage>().MigrateAsync();
            }
            catch
            {
                await provider.DisposeAsync();
                throw;
            }
            return new Engine(provider);
        }

        public ValueTask DisposeAsync() => _services.DisposeAsync();
    }
}
