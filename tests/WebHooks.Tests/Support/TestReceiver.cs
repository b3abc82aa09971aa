using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace WebHooks.Tests.Support;

/// <summary>One request as the receiver saw it.</summary>
public sealed record ReceivedRequest(string Method, string Path, IHeaderDictionary Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>When the receiver had read the whole request (the wall clock, for measuring gaps between requests).</summary>
    public DateTime Received { get; init; } = DateTime.UtcNow;

    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value.ToString() : "";
}

/// <summary>How the receiver answers one request.</summary>
public sealed record ReceiverResponse(int StatusCode = 200)
{
    /// <summary>Wait this long (or until the client gives up) before answering.</summary>
    public TimeSpan Delay { get; init; }

    public string? RetryAfter { get; init; }

    public string? Location { get; init; }

    /// <summary>Size of the response body (filler bytes).</summary>
    public int BodyBytes { get; init; }

    /// <summary>Drop the connection instead of answering.</summary>
    public bool Abort { get; init; }
}

/// <summary>
/// A real Kestrel server on a loopback (or other local) address and a free port that records every request
/// and answers as scripted: first from <see cref="Enqueue"/>'s queue, then with <see cref="DefaultResponse"/>.
/// </summary>
public sealed class TestReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceiverResponse> _script = new();
    private readonly List<ReceivedRequest> _requests = [];
    private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];
    private readonly Lock _lock = new();
    private WebApplication? _app;

    private TestReceiver()
    {
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public int Port => BaseAddress.Port;

    public ReceiverResponse DefaultResponse { get; set; } = new();

    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _requests.Count;
            }
        }
    }

    /// <param name="host">An address literal to listen on: <c>127.0.0.1</c>, <c>[::1]</c>, ...</param>
    /// <param name="certificate">When given, the receiver speaks HTTPS with this server certificate.</param>
    public static async Task<TestReceiver> StartAsync(string host = "127.0.0.1", X509Certificate2? certificate = null)
    {
        var receiver = new TestReceiver();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(TestReceiver).Assembly.GetName().Name,
            EnvironmentName = "Testing",
        });
        builder.Logging.ClearProviders();
        // A receiver stands for a customer's server and answers any Host. Its content root is the test folder, which
        // holds the service's appsettings.json, whose AllowedHosts (loopback names only) is the service's, not its own.
        builder.Configuration["AllowedHosts"] = "*";
        builder.WebHost.UseUrls($"{(certificate is null ? "http" : "https")}://{host}:0");
        if (certificate is not null)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
        }

        var app = builder.Build();
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver._app = app;
        receiver.BaseAddress = new Uri(app.Urls.Single());
        return receiver;
    }

    /// <summary>An absolute URL on this receiver.</summary>
    public string Url(string path = "/hook") => new Uri(BaseAddress, path).ToString();

    /// <summary>Answers for the next requests, in order.</summary>
    public void Enqueue(params ReceiverResponse[] responses)
    {
        foreach (var response in responses)
        {
            _script.Enqueue(response);
        }
    }

    /// <summary>Completes once at least <paramref name="count"/> requests arrived; fails after <paramref name="deadline"/>.</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForRequestsAsync(int count, TimeSpan deadline)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            if (_requests.Count >= count)
            {
                return [.. _requests];
            }

            signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, signal));
        }

        try
        {
            await signal.Task.WaitAsync(deadline);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"expected {count} request(s) within {deadline}, got {Count}");
        }

        return Requests;
    }

    /// <summary>The <c>webhook-id</c> of every request so far, in order of arrival.</summary>
    public IReadOnlyList<string> EventIds() => [.. Requests.Select(r => r.Header("webhook-id"))];

    /// <summary>
    /// Waits until no request has arrived for <paramref name="quiet"/> (at most <paramref name="deadline"/>), for tests
    /// that check that something stopped; returns the count then.
    /// </summary>
    public async Task<int> QuietForAsync(TimeSpan quiet, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        var count = Count;
        var since = DateTime.UtcNow;
        while (DateTime.UtcNow < until)
        {
            await Task.Delay(50);
            if (Count != count) (count, since) = (Count, DateTime.UtcNow);
            else if (DateTime.UtcNow - since >= quiet) return count;
        }
        throw new TimeoutException($"requests kept arriving for {deadline.TotalSeconds:0} s ({Count} in all)");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, aborted);
        var headers = new HeaderDictionary();
        foreach (var (name, value) in context.Request.Headers)
        {
            headers[name] = value;
        }

        Record(new ReceivedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body.ToArray()));

        var response = _script.TryDequeue(out var scripted) ? scripted : DefaultResponse;
        try
        {
            if (response.Delay > TimeSpan.Zero)
            {
                await Task.Delay(response.Delay, aborted);
            }

            if (response.Abort)
            {
                context.Abort();
                return;
            }

            context.Response.StatusCode = response.StatusCode;
            if (response.RetryAfter is not null)
            {
                context.Response.Headers.RetryAfter = response.RetryAfter;
            }

            if (response.Location is not null)
            {
                context.Response.Headers.Location = response.Location;
            }

            if (response.BodyBytes > 0)
            {
                context.Response.ContentType = "text/plain";
                context.Response.ContentLength = response.BodyBytes;
                var chunk = Encoding.ASCII.GetBytes(new string('x', 16 * 1024));
                for (var left = response.BodyBytes; left > 0; left -= chunk.Length)
                {
                    await context.Response.Body.WriteAsync(chunk.AsMemory(0, Math.Min(left, chunk.Length)), aborted);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away (timeout, or it stopped reading a large body): nothing left to answer.
        }
    }

    private void Record(ReceivedRequest request)
    {
        lock (_lock)
        {
            _requests.Add(request);
            foreach (var waiter in _waiters.Where(w => _requests.Count >= w.Count).ToList())
            {
                waiter.Signal.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }
}
