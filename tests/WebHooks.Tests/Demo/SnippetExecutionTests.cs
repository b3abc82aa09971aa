using System.Net.Http.Json;
using System.Text.Json;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Demo;

/// <summary>
/// Every generated snippet, for each of the six functions, run by its real interpreter against the
/// running service: CreateWebHook, GetWebHooks (lists it), GetWebHookDeliveries (lists a failed attempt),
/// RotateWebHookSecret (a new secret), ActivateWebHook, DeleteWebHookById, all error 0.
/// The values carry quotes, a backslash, a dollar and XML characters, so each language's escaping is
/// exercised for real.
/// </summary>
[TestClass]
[TestCategory("Interop")]
public sealed class SnippetExecutionTests
{
    private const string Python = "/usr/bin/python3";
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);
    private static ServiceHost _host = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task Start(TestContext _) => _host = await ServiceHost.StartAsync();

    [ClassCleanup]
    public static async Task Stop() => await _host.DisposeAsync();

    [TestMethod]
    public async Task Php_positional_snippets_run_against_the_rpc_endpoint()
    {
        var php = RequirePhp();
        await RunAllFour("php-rpc", async code => SnippetReply.FromLines(await Execute(php, "webhook.php", code)));
    }

    [TestMethod]
    public async Task Php_named_parameter_snippets_run_against_the_document_endpoint()
    {
        var php = RequirePhp();
        await RunAllFour("php-doc", async code => SnippetReply.FromLines(await Execute(php, "webhook.php", code)));
    }

    [TestMethod]
    public async Task Python_zeep_snippets_run()
    {
        ExternalProgram.RequireFile(Python, "apt-get install -y python3");
        var zeep = await ExternalProgram.RunAsync(Python, ["-c", "import zeep"], RunTimeout);
        ExternalProgram.Require(zeep.ExitCode == 0, "zeep for /usr/bin/python3", "apt-get install -y python3-zeep");
        await RunAllFour("python-zeep", async code => SnippetReply.FromLines(await Execute(Python, "webhook.py", code)));
    }

    [TestMethod]
    public async Task Curl_snippets_run()
    {
        var curl = ExternalProgram.Find("curl");
        ExternalProgram.Require(curl is not null, "curl", "apt-get install -y curl");
        await RunAllFour("curl", async (code, function) => SnippetReply.FromSoap(function, await Execute("/bin/sh", "webhook.sh", code)));
    }

    /// <summary>One build of four console programs (one per function), then each run in turn.</summary>
    [TestMethod]
    [Timeout(600_000, CooperativeCancellation = true)]
    public async Task CSharp_wcf_snippets_compile_and_run()
    {
        var dotnet = ExternalProgram.Find("dotnet");
        ExternalProgram.Require(dotnet is not null, "dotnet", "the .NET SDK");
        var folder = Directory.CreateTempSubdirectory("webhooks-demo-csharp-").FullName;
        try
        {
            var prepared = await PrepareAsync("csharp-prepared");
            var snapshots = await Snapshots("csharp", prepared.Id);
            var slnx = new System.Text.StringBuilder("<Solution>\n");
            foreach (var (function, _, snapshot) in snapshots)
            {
                var project = Path.Combine(folder, function);
                Directory.CreateDirectory(project);
                await File.WriteAllTextAsync(Path.Combine(project, function + ".csproj"), ConsoleProject);
                await File.WriteAllTextAsync(Path.Combine(project, "Program.cs"), Code(snapshot, "csharp"));
                slnx.Append($"  <Project Path=\"{function}/{function}.csproj\" />\n");
            }
            await File.WriteAllTextAsync(Path.Combine(folder, "snippets.slnx"), slnx.Append("</Solution>\n").ToString());

            var build = await ExternalProgram.RunAsync(dotnet!,
                ["build", "snippets.slnx", "-nologo", "-v:q", "-nodeReuse:false", "-p:UseSharedCompilation=false"],
                TimeSpan.FromMinutes(8), folder, DotnetEnvironment);
            Assert.AreEqual(0, build.ExitCode, "the C# snippets do not compile:\n" + build.Describe());

            await RunInOrder(snapshots, prepared, async (function, _) =>
            {
                var dll = Path.Combine(folder, function, "bin", "Debug", "net10.0", function + ".dll");
                var run = await ExternalProgram.RunAsync(dotnet!, [dll], RunTimeout, folder, DotnetEnvironment);
                Assert.AreEqual(0, run.ExitCode, run.Describe());
                return SnippetReply.FromLines(run.Output);
            });
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private const string ConsoleProject = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <ImplicitUsings>enable</ImplicitUsings>
            <Nullable>enable</Nullable>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="System.ServiceModel.Http" Version="10.1.0" />
            <PackageReference Include="System.ServiceModel.Primitives" Version="10.1.0" />
          </ItemGroup>
        </Project>
        """;

    private static readonly Dictionary<string, string> DotnetEnvironment = new()
    {
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        ["MSBUILDDISABLENODEREUSE"] = "1",
    };

    /// <summary>An app name that every language must quote correctly.</summary>
    private static string AppFor(string language) => $"demo-{language} it's \"quoted\" \\ $HOME <&>";

    private static string RequirePhp()
    {
        var php = ExternalProgram.Find("php");
        ExternalProgram.Require(php is not null, "php", "apt-get install -y php-cli php-soap");
        return php!;
    }

    private async Task<string> Execute(string interpreter, string fileName, string code)
    {
        var folder = Directory.CreateTempSubdirectory("webhooks-demo-snippet-").FullName;
        try
        {
            var file = Path.Combine(folder, fileName);
            await File.WriteAllTextAsync(file, code);
            var run = await ExternalProgram.RunAsync(interpreter, [file], RunTimeout, folder);
            Assert.AreEqual(0, run.ExitCode, $"{fileName}:\n{code}\n{run.Describe()}");
            return run.Output;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private Task RunAllFour(string snippetId, Func<string, Task<SnippetReply>> execute) =>
        RunAllFour(snippetId, (code, _) => execute(code));

    private async Task RunAllFour(string snippetId, Func<string, string, Task<SnippetReply>> execute)
    {
        var prepared = await PrepareAsync(snippetId + "-prepared");
        var snapshots = await Snapshots(snippetId, prepared.Id);
        await RunInOrder(snapshots, prepared, (function, snapshot) => execute(Code(snapshot, snippetId), function));
    }

    /// <summary>Create, list, deliveries, rotate, activate, delete: each must succeed, and what it returns must fit.</summary>
    private async Task RunInOrder(
        IReadOnlyList<Generated> snapshots, Prepared prepared,
        Func<string, JsonElement, Task<SnippetReply>> run)
    {
        var replies = new Dictionary<string, SnippetReply>();
        foreach (var (function, _, snapshot) in snapshots)
        {
            var reply = await run(function, snapshot);
            TestContext.WriteLine($"{function}: error {reply.Error} {reply.Message}");
            Assert.AreEqual(0, reply.Error, $"{function}: {reply.Message}");
            Assert.AreEqual("successfully executed", reply.Message, function);
            replies[function] = reply;
        }

        var preparedId = prepared.Id;
        var created = replies["CreateWebHook"].Id;
        Assert.IsNotNull(created, "CreateWebHook printed no id");
        CollectionAssert.AreEqual(new[] { preparedId, created.Value }, replies["GetWebHooks"].Listed.ToArray(),
            "GetWebHooks, filtered by the app, lists the prepared webhook and the new one");
        Assert.AreEqual(prepared.EventId, replies["GetWebHookDeliveries"].Deliveries.FirstOrDefault(), "the newest attempt, of the prepared event");
        Assert.AreEqual(preparedId, replies["RotateWebHookSecret"].Id);
        StringAssert.StartsWith(replies["RotateWebHookSecret"].Secret, "whsec_");
        Assert.AreNotEqual(prepared.Secret, replies["RotateWebHookSecret"].Secret, "a new secret");
        Assert.AreEqual(preparedId, replies["ActivateWebHook"].Id);
        Assert.AreEqual(preparedId, replies["DeleteWebHookById"].Deleted);

        // The app name, with its quotes and backslash, arrived as entered.
        var app = snapshots[0].App;
        var list = await PostJson("GetWebHooks", new() { ["app"] = app });
        var ids = list.GetProperty("result").EnumerateArray().Select(w => w.GetProperty("id").GetInt32()).ToArray();
        CollectionAssert.AreEqual(new[] { created.Value }, ids, "only the snippet's webhook is left");
    }

    /// <summary>The page's own endpoint makes the code, for the host's real address.</summary>
    /// <summary>What /demo/snippets returned for one function, with the app name it was given.</summary>
    private sealed record Generated(string Function, string App, JsonElement Snapshot);

    private static async Task<List<Generated>> Snapshots(string language, int webHookId)
    {
        var app = AppFor(language);
        var calls = new (string Function, Dictionary<string, string> Values)[]
        {
            ("CreateWebHook", new() { ["app"] = app, ["event"] = "optin_finalized", ["url"] = $"http://127.0.0.1:9/{language}?a=1&b='2'" }),
            ("GetWebHooks", new() { ["app"] = app, ["event"] = "" }),
            ("GetWebHookDeliveries", new() { ["webhookId"] = webHookId.ToString(), ["limit"] = "5" }),
            ("RotateWebHookSecret", new() { ["webhookId"] = webHookId.ToString() }),
            ("ActivateWebHook", new() { ["webhookId"] = webHookId.ToString(), ["replayEvents"] = "1" }),
            ("DeleteWebHookById", new() { ["webhookId"] = webHookId.ToString() }),
        };
        var result = new List<Generated>();
        foreach (var (function, values) in calls)
        {
            var form = new Dictionary<string, string>(values) { ["function"] = function, ["username"] = "demo", ["password"] = "demo" };
            using var response = await _host.Http.PostAsync("demo/snippets", new FormUrlEncodedContent(form));
            var body = await response.Content.ReadAsStringAsync();
            Assert.IsTrue(response.IsSuccessStatusCode, body);
            using var json = JsonDocument.Parse(body);
            result.Add(new Generated(function, app, json.RootElement.Clone()));
        }
        return result;
    }

    private static string Code(JsonElement snapshot, string snippetId) =>
        snapshot.GetProperty("snippets").EnumerateArray()
            .Single(s => s.GetProperty("id").GetString() == snippetId).GetProperty("code").GetString()!;

    /// <summary>A webhook made beforehand, with one event whose (failed: nothing listens) attempt is logged.</summary>
    private sealed record Prepared(int Id, string Secret, string EventId);

    private static async Task<Prepared> PrepareAsync(string language)
    {
        var reply = await PostJson("CreateWebHook", new()
        {
            ["app"] = AppFor(language.Replace("-prepared", "")), ["event"] = "optout_finalized", ["url"] = "http://127.0.0.1:9/prepared",
        });
        Assert.AreEqual(0, reply.GetProperty("error").GetInt32(), reply.ToString());
        var webHook = reply.GetProperty("result");
        var id = webHook.GetProperty("id").GetInt32();
        var eventId = await WebHooks.Tests.Support.Api.PublishAsync(_host.Http, "optout_finalized", new { prepared = language });
        await WebHooks.Tests.Support.Api.EventuallyAsync(async () =>
            (await PostJson("GetWebHookDeliveries", new() { ["webhookId"] = id.ToString() })).GetProperty("result").EnumerateArray()
                .Any(d => d.GetProperty("eventId").GetString() == eventId),
            TimeSpan.FromSeconds(20), "the prepared event's attempt is logged");
        return new Prepared(id, webHook.GetProperty("secret").GetString()!, eventId);
    }

    private static async Task<JsonElement> PostJson(string function, Dictionary<string, string> values)
    {
        var form = new Dictionary<string, string>(values) { ["username"] = "demo", ["password"] = "demo" };
        using var response = await _host.Http.PostAsync($"webservice/json/{function}", new FormUrlEncodedContent(form));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();
    }
}
