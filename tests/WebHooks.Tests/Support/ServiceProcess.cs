using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WebHooks.Tests.Support;

/// <summary>The service as a child process (the built WebHooks.Service.dll), for crash tests and the command line.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl + "/") };
    }

    public string BaseUrl { get; }
    public HttpClient Http { get; }

    /// <summary>The process id (the PostgreSQL adapter names its lease owner after it).</summary>
    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;
    public string Output { get { lock (_output) return _output.ToString(); } }

    public static string ServiceDll => Path.Combine(AppContext.BaseDirectory, "WebHooks.Service.dll");

    /// <summary>Starts the service on a free loopback port over the database in <paramref name="directory"/> and waits until it answers.</summary>
    public static Task<ServiceProcess> StartAsync(string directory, params string[] extraArgs) =>
        StartFromAsync(ServiceDll, AppContext.BaseDirectory, ["--environment=Development", $"--contentRoot={AppContext.BaseDirectory}",
            .. TestStorage.ArgumentsFor(directory), .. extraArgs]);

    /// <summary>
    /// Starts the service on a free loopback port with exactly the storage settings in <paramref name="args"/> (several
    /// instances on one PostgreSQL schema, say), whatever <see cref="TestStorage"/> says, and waits until it answers.
    /// </summary>
    /// <param name="environment">Extra environment variables of the process (a home folder of its own, say).</param>
    public static Task<ServiceProcess> StartWithAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null) =>
        StartFromAsync(ServiceDll, AppContext.BaseDirectory, ["--environment=Development", $"--contentRoot={AppContext.BaseDirectory}", .. args], environment);

    /// <summary>
    /// Starts <paramref name="serviceDll"/> as a service unit would (<c>dotnet /path/to/WebHooks.Service.dll</c>, environment
    /// Development) from <paramref name="workingDirectory"/>, with only <c>--urls</c> added to <paramref name="args"/>.
    /// </summary>
    public static async Task<ServiceProcess> StartFromAsync(string serviceDll, string workingDirectory, IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var start = Start(["--urls=" + baseUrl, .. args], serviceDll: serviceDll, workingDirectory: workingDirectory, environment: environment);
        var service = new ServiceProcess(start, baseUrl);
        start.OutputDataReceived += (_, e) => service.Append(e.Data);
        start.ErrorDataReceived += (_, e) => service.Append(e.Data);
        start.BeginOutputReadLine();
        start.BeginErrorReadLine();

        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (start.HasExited) Assert.Fail($"the service exited with {start.ExitCode}:\n{service.Output}");
            try
            {
                using var probe = await service.Http.PostAsync("webservice/json/GetWebHooks", new StringContent("{}", Encoding.UTF8, "application/json"));
                if (probe.StatusCode == HttpStatusCode.OK) return service;
            }
            catch (HttpRequestException)
            {
            }
            if (DateTime.UtcNow > until) Assert.Fail($"the service did not answer within 30 s:\n{service.Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Completes once the service's output holds <paramref name="text"/>; fails the test after the deadline.</summary>
    public Task WaitForOutputAsync(string text, TimeSpan deadline) =>
        Api.EventuallyAsync(() => Task.FromResult(Output.Contains(text, StringComparison.Ordinal)), deadline, $"the service to log \"{text}\"; it logged:\n{Output}");

    /// <summary>Runs a command of the executable to its end: exit code, standard output, standard error.</summary>
    public static Task<(int ExitCode, string Output, string Error)> RunCommandAsync(string? input, params string[] args) =>
        RunCommandFromAsync(ServiceDll, AppContext.BaseDirectory, input, args);

    /// <summary>Runs a command of <paramref name="serviceDll"/> from <paramref name="workingDirectory"/>.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunCommandFromAsync(string serviceDll, string workingDirectory, string? input, params string[] args)
    {
        using var process = Start(args, redirectInput: true, serviceDll, workingDirectory);
        if (input is not null) await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>SIGKILL: no shutdown, no flush, no goodbye.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited) Kill();
        _process.Dispose();
        await Task.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private static Process Start(IEnumerable<string> args, bool redirectInput = false, string? serviceDll = null, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(serviceDll ?? ServiceDll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        return Process.Start(info)!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
