using System.Text.Json.Nodes;
using WebHooks.Tests.Interop;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.EndToEnd;

/// <summary>
/// A service unit runs <c>dotnet /path/to/WebHooks.Service.dll</c> from some other working directory. The
/// settings files beside the dll were then ignored (the service silently ran on defaults). They are read from
/// the application's folder whatever the working directory, by the service and by its command line alike;
/// relative paths in them (Storage:Path) still resolve against the working directory; the start log names
/// the environment and the settings files in use.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
[TestCategory("LiteDbOnly")]
public sealed class SettingsComeFromTheApplicationFolder
{
    private string _root = null!;
    private string _application = null!;
    private string _workingDirectory = null!;

    [TestInitialize]
    public void CopyTheApplication()
    {
        _root = Path.Combine(Path.GetTempPath(), "webhooks-settings-" + Guid.NewGuid().ToString("N"));
        _application = Path.Combine(_root, "app");
        _workingDirectory = Path.Combine(_root, "work");
        Directory.CreateDirectory(_workingDirectory);

        // The service's own build output, copied, so that its appsettings.json can say something only it says.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // …/bin/Debug/net10.0/
        var build = Path.Combine(Clients.RepositoryRoot, "src", "WebHooks.Service", "bin", configuration, "net10.0");
        Assert.IsTrue(File.Exists(Path.Combine(build, "WebHooks.Service.dll")), $"no service build in {build}");
        Copy(build, _application);

        var settings = Path.Combine(_application, "appsettings.json");
        var json = JsonNode.Parse(File.ReadAllText(settings))!;
        json["WebHooks"]!["Storage"]!["Path"] = "state/from-appsettings.db";
        File.WriteAllText(settings, json.ToJsonString());
    }

    [TestCleanup]
    public void Clean() => Directory.Delete(_root, recursive: true);

    private string ServiceDll => Path.Combine(_application, "WebHooks.Service.dll");

    [TestMethod]
    public async Task TheServiceStartedFromAnotherFolderUsesTheSettingsBesideItsDll()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var service = await ServiceProcess.StartFromAsync(ServiceDll, _workingDirectory, ["--environment=Development"]);

        // appsettings.json: Storage:Path, relative, so under the working directory.
        Assert.IsTrue(File.Exists(Path.Combine(_workingDirectory, "state", "from-appsettings.db")),
            $"the database named by appsettings.json, under the working directory; the log:\n{service.Output}");
        // appsettings.Development.json: AllowPrivateNetworks, so a webhook on 127.0.0.1 is delivered to.
        await Api.CreateWebHookAsync(service.Http, receiver.Url());
        await Api.PublishAsync(service.Http, "optin_finalized", new { id = 18 });
        await receiver.WaitForRequestsAsync(1, TimeSpan.FromSeconds(30));

        // The start log says which environment and which files.
        await service.WaitForOutputAsync("Settings:", TimeSpan.FromSeconds(10));
        var line = service.Output.Split('\n').First(l => l.Contains("Settings:", StringComparison.Ordinal));
        StringAssert.Contains(line, "environment Development");
        StringAssert.Contains(line, Path.Combine(_application, "appsettings.json"));
        StringAssert.Contains(line, Path.Combine(_application, "appsettings.Development.json"));
        StringAssert.Contains(line, Path.Combine(_workingDirectory, "state", "from-appsettings.db"));
    }

    [TestMethod]
    public async Task TheCommandLineReadsTheSameSettingsAsTheService()
    {
        var add = await ServiceProcess.RunCommandFromAsync(ServiceDll, _workingDirectory, "pw\n", "accounts", "add", "shop", "--password-stdin");
        Assert.AreEqual(0, add.ExitCode, add.Error);
        Assert.IsTrue(File.Exists(Path.Combine(_workingDirectory, "state", "from-appsettings.db")), "the command line opened the database appsettings.json names");

        await using var service = await ServiceProcess.StartFromAsync(ServiceDll, _workingDirectory, ["--environment=Development"]);
        var reply = await Api.CallAsync(service.Http, "GetWebHooks", new { username = "shop", password = "pw" });
        Assert.AreEqual(0, reply.GetProperty("error").GetInt32(), "the service sees the account the command line added: " + reply);
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var folder in Directory.GetDirectories(from)) Copy(folder, Path.Combine(to, Path.GetFileName(folder)));
    }
}
