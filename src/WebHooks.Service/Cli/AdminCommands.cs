using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using WebHooks.Accounts;
using WebHooks.Events;

namespace WebHooks.Service.Cli;

/// <summary>
/// The admin command line: <c>accounts add NAME --password-stdin [--email ADDRESS]</c>, <c>accounts list</c>,
/// <c>accounts remove NAME</c> and <c>publish EVENT DATA_JSON --account NAME</c>. It opens the same
/// configuration and database as the service.
/// </summary>
public static class AdminCommands
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "accounts" or "publish" or "help" or "--help";

    public static async Task<int> RunAsync(string[] args, TextReader? input = null, TextWriter? output = null, TextWriter? error = null)
    {
        input ??= Console.In;
        output ??= Console.Out;
        error ??= Console.Error;
        var (positional, flags) = Parse(args);

        try
        {
            switch (positional)
            {
                case ["accounts", "add", var name]:
                    return await AddAccount(name, flags, input, output, error);
                case ["accounts", "list"]:
                    return ListAccounts(flags, output);
                case ["accounts", "remove", var name]:
                    return await RemoveAccount(name, flags, output, error);
                case ["publish", var eventName, var data]:
                    return await Publish(eventName, data, flags, output, error);
                case ["help"] or []:
                    output.WriteLine(Usage);
                    return 0;
                default:
                    error.WriteLine(Usage);
                    return 2;
            }
        }
        catch (IOException e)
        {
            error.WriteLine($"error: cannot open the database: {e.Message} (is the service running with the same database file?)");
            return 1;
        }
    }

    private const string Usage = """
        usage:
          WebHooks.Service                                  serve (see appsettings.json, --urls)
          WebHooks.Service accounts add NAME --password-stdin [--email ADDRESS]
          WebHooks.Service accounts list
          WebHooks.Service accounts remove NAME
          WebHooks.Service publish EVENT DATA_JSON --account NAME
        Configuration options such as --WebHooks:Storage:Path=FILE apply to every command.
        """;

    private static async Task<int> AddAccount(string name, Dictionary<string, string?> flags, TextReader input, TextWriter output, TextWriter error)
    {
        if (AccountService.ValidateName(name) is { } bad) return Fail(error, $"invalid account name: {bad}");
        if (!flags.ContainsKey("--password-stdin")) return Fail(error, "accounts add needs --password-stdin (the password is read from standard input)");
        var password = (await input.ReadLineAsync())?.TrimEnd('\r');
        if (string.IsNullOrEmpty(password)) return Fail(error, "no password on standard input");

        await using var engine = Engine.Open(flags);
        if (!await engine.Accounts.AddAsync(name, password, flags.GetValueOrDefault("--email")))
            return Fail(error, $"account {name} exists already");
        output.WriteLine($"account {name} added");
        return 0;
    }

    private static int ListAccounts(Dictionary<string, string?> flags, TextWriter output)
    {
        using var engine = Engine.Open(flags);
        foreach (var account in engine.Accounts.List())
            output.WriteLine($"{account.Name}\t{account.Created:yyyy-MM-dd HH:mm:ss}\t{account.Email}");
        return 0;
    }

    private static async Task<int> RemoveAccount(string name, Dictionary<string, string?> flags, TextWriter output, TextWriter error)
    {
        await using var engine = Engine.Open(flags);
        if (!await engine.Accounts.RemoveAsync(name)) return Fail(error, $"no account {name}");
        output.WriteLine($"account {name} removed, with its webhooks");
        return 0;
    }

    private static async Task<int> Publish(string eventName, string data, Dictionary<string, string?> flags, TextWriter output, TextWriter error)
    {
        if (flags.GetValueOrDefault("--account") is not { Length: > 0 } account) return Fail(error, "publish needs --account NAME");
        JsonElement parsed;
        try { parsed = JsonDocument.Parse(data).RootElement; }
        catch (JsonException e) { return Fail(error, $"DATA_JSON is not valid JSON: {e.Message}"); }
        if (EventIntake.Validate(eventName, parsed, null) is { } bad) return Fail(error, bad);

        await using var engine = Engine.Open(flags);
        if (engine.Accounts.Find(account) is null) return Fail(error, $"no account {account}");
        var published = await engine.Intake.PublishAsync(account, eventName, parsed.GetRawText());
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
            else if (arg.StartsWith("--", StringComparison.Ordinal)) flags[arg] = i + 1 < args.Length ? args[++i] : null;
            else positional.Add(arg);
        }
        return ([.. positional], flags);
    }

    /// <summary>The engine services without the web host, over the configured database.</summary>
    private sealed class Engine : IDisposable, IAsyncDisposable
    {
        private readonly ServiceProvider _services;

        private Engine(ServiceProvider services) => _services = services;

        public AccountService Accounts => _services.GetRequiredService<AccountService>();
        public EventIntake Intake => _services.GetRequiredService<EventIntake>();

        public static Engine Open(Dictionary<string, string?> flags)
        {
            var configArgs = flags.Keys.Where(k => k.Contains('=')).ToArray();
            var builder = WebApplication.CreateSlimBuilder(configArgs);
            var services = new ServiceCollection();
            services.AddSingleton<IConfiguration>(builder.Configuration);
            services.AddLogging();
            services.AddWebHooksEngine(builder.Configuration);
            services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>));
            return new Engine(services.BuildServiceProvider());
        }

        public void Dispose() => _services.Dispose();

        public ValueTask DisposeAsync() => _services.DisposeAsync();
    }
}
