using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace WebHooks.Tests.Interop;

/// <summary>
/// The external SOAP clients of the interop tests and how to run them. The one rule for a missing client lives
/// here: the test is Inconclusive, except under CI (<c>CI=true</c>), where a missing client fails it.
/// Install: <c>apt-get install -y php-cli php-soap python3-zeep libsoap-lite-perl curl nodejs npm</c>, then <c>npm install</c> in tests/interop.
/// </summary>
public static class Clients
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Debian's python3-zeep is installed for the system interpreter, not a pyenv python3 on PATH.</summary>
    public const string SystemPython = "/usr/bin/python3";

    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    /// <summary>The folder that holds Service.sln, found by walking up from the test's base directory.</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>tests/interop: package.json and node_modules of the Node client.</summary>
    public static string InteropFolder => Path.Combine(RepositoryRoot, "tests", "interop");

    /// <summary>tests/WebHooks.Tests/Interop: the client scripts.</summary>
    public static string ScriptFolder => Path.Combine(RepositoryRoot, "tests", "WebHooks.Tests", "Interop");

    public static string Script(params string[] parts) => Path.Combine([ScriptFolder, .. parts]);

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Inconclusive locally, a failure under CI=true.</summary>
    public static void Missing(string client, string detail)
    {
        var text = $"{client} is not available: {detail}";
        if (IsCi) Assert.Fail(text + " (CI=true: every interop client must be installed)");
        Assert.Inconclusive(text);
    }

    /// <returns>"php", once php runs and has the soap extension.</returns>
    public static async Task<string> RequirePhpSoapAsync()
    {
        var modules = await TryRunAsync("php", ["-m"]);
        if (modules is null) Missing("PHP", "no php on PATH (apt-get install php-cli php-soap)");
        else if (!modules.StandardOutput.Split('\n').Any(l => l.Trim().Equals("soap", StringComparison.OrdinalIgnoreCase)))
            Missing("PHP SoapClient", "php has no soap extension (apt-get install php-soap)");
        return "php";
    }

    /// <returns>The python interpreter that can import zeep.</returns>
    public static async Task<string> RequireZeepAsync()
    {
        if (!File.Exists(SystemPython)) Missing("Python zeep", $"{SystemPython} does not exist (apt-get install python3-zeep)");
        var result = await TryRunAsync(SystemPython, ["-c", "import zeep"]);
        if (result is null || result.ExitCode != 0)
            Missing("Python zeep", $"{SystemPython} cannot import zeep (apt-get install python3-zeep): {result?.StandardError.Trim()}");
        return SystemPython;
    }

    /// <returns>"node", once node runs and tests/interop/node_modules/soap is installed.</returns>
    public static async Task<string> RequireNodeSoapAsync()
    {
        var version = await TryRunAsync("node", ["--version"]);
        if (version is null || version.ExitCode != 0) Missing("Node", "no node on PATH (apt-get install nodejs npm)");
        if (!File.Exists(Path.Combine(NodeModules, "soap", "package.json")))
            Missing("Node soap", $"{NodeModules}/soap is missing (run npm install in {InteropFolder})");
        return "node";
    }

    /// <returns>"perl", once perl runs and loads SOAP::Lite and JSON::PP.</returns>
    public static async Task<string> RequirePerlSoapLiteAsync()
    {
        var result = await TryRunAsync("perl", ["-MSOAP::Lite", "-MJSON::PP", "-e", "print $SOAP::Lite::VERSION"]);
        if (result is null) Missing("Perl", "no perl on PATH (apt-get install perl libsoap-lite-perl)");
        else if (result.ExitCode != 0)
            Missing("Perl SOAP::Lite", $"perl cannot load SOAP::Lite (apt-get install libsoap-lite-perl): {result.StandardError.Trim()}");
        return "perl";
    }

    public static string NodeModules => Path.Combine(InteropFolder, "node_modules");

    /// <summary>integrations/zapier: the Zapier integration, its package-lock.json and node_modules.</summary>
    public static string ZapierFolder => Path.Combine(RepositoryRoot, "integrations", "zapier");

    /// <returns>"node", once node runs and integrations/zapier/node_modules holds zapier-platform-core and -schema.</returns>
    public static async Task<string> RequireZapierPlatformAsync()
    {
        var version = await TryRunAsync("node", ["--version"]);
        if (version is null || version.ExitCode != 0) Missing("Node", "no node on PATH (apt-get install nodejs npm)");
        foreach (var package in new[] { "zapier-platform-core", "zapier-platform-schema" })
        {
            if (!File.Exists(Path.Combine(ZapierFolder, "node_modules", package, "package.json")))
                Missing(package, $"it is not in {ZapierFolder}/node_modules (run npm ci there)");
        }
        return "node";
    }

    /// <returns>"curl", once the curl binary runs.</returns>
    public static async Task<string> RequireCurlAsync()
    {
        var version = await TryRunAsync("curl", ["--version"]);
        if (version is null || version.ExitCode != 0) Missing("curl", "no curl on PATH (apt-get install curl)");
        return "curl";
    }

    /// <summary>Runs a program to its end, within <see cref="Timeout"/>; fails the test (with stderr) when it does not end.</summary>
    public static async Task<ProcessResult> RunAsync(
        string fileName, IEnumerable<string> arguments, string? standardInput = null,
        IDictionary<string, string>? environment = null, CancellationToken cancellationToken = default, string? workingDirectory = null)
    {
        var result = await TryRunAsync(fileName, arguments, standardInput, environment, cancellationToken, workingDirectory);
        if (result is null) Assert.Fail($"{fileName} could not be started");
        return result!;
    }

    /// <returns>null when the program does not exist.</returns>
    private static async Task<ProcessResult?> TryRunAsync(
        string fileName, IEnumerable<string> arguments, string? standardInput = null,
        IDictionary<string, string>? environment = null, CancellationToken cancellationToken = default, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory ?? "",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;

        using var process = new Process { StartInfo = start };
        try
        {
            if (!process.Start()) return null;
        }
        catch (Win32Exception)
        {
            return null;
        }

        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        if (standardInput is not null) await process.StandardInput.WriteAsync(standardInput);
        process.StandardInput.Close();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync(CancellationToken.None);
            Assert.Fail($"{fileName} {string.Join(' ', start.ArgumentList)} did not end within {Timeout.TotalSeconds} s; stderr: {await error}");
        }
        return new ProcessResult(process.ExitCode, await output, await error);
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Service.sln"))) return folder.FullName;
        }
        throw new InvalidOperationException($"no folder above {AppContext.BaseDirectory} holds Service.sln");
    }
}

public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Describe() => $"exit code {ExitCode}; stderr: {StandardError.Trim()}; stdout: {StandardOutput.Trim()}";
}
