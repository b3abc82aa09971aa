using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;

namespace WebHooks.Tests.Lifecycle;

/// <summary>
/// Tests that need a program from the machine (chromium, python3-aiosmtpd) are inconclusive where it is
/// missing, except in CI (<c>CI=true</c>), where a missing program is a failure.
/// </summary>
internal static class ExternalTools
{
    public const string Python = "/usr/bin/python3";

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static void Require(bool available, string what)
    {
        if (available) return;
        var message = $"{what} is not installed (apt-get install -y chromium python3-aiosmtpd)";
        if (InCi) Assert.Fail(message);
        Assert.Inconclusive(message);
    }

    public static bool HasAiosmtpd()
    {
        if (!File.Exists(Python)) return false;
        using var check = Process.Start(new ProcessStartInfo(Python, ["-c", "import aiosmtpd"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        check.WaitForExit(20_000);
        return check.HasExited && check.ExitCode == 0;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A real SMTP server on 127.0.0.1 (aiosmtpd's Mailbox handler), storing what it receives in a maildir.</summary>
internal sealed class SmtpSink : IAsyncDisposable
{
    private readonly Process _process;

    private SmtpSink(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        Directory = directory;
    }

    public int Port { get; }
    public string Directory { get; }

    public static async Task<SmtpSink> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "webhooks-smtp-" + Guid.NewGuid().ToString("N"));
        var port = ExternalTools.FreePort();
        var process = Process.Start(new ProcessStartInfo(ExternalTools.Python,
            ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", directory])
        {
            RedirectStandardError = true, RedirectStandardOutput = true,
        })!;
        var sink = new SmtpSink(process, port, directory);
        await LifecycleKit.WaitUntilAsync(() => process.HasExited || sink.Accepts(), "the SMTP sink listens");
        if (process.HasExited) throw new AssertFailedException("aiosmtpd ended: " + await process.StandardError.ReadToEndAsync());
        return sink;
    }

    private bool Accepts()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public IReadOnlyList<MimeMessage> Messages()
    {
        var received = Path.Combine(Directory, "new");
        if (!System.IO.Directory.Exists(received)) return [];
        return [.. System.IO.Directory.GetFiles(received).Order().Select(f => MimeMessage.Load(f))];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
