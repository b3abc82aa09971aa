using System.Net.Sockets;
using WebHooks.Accounts;
using WebHooks.Events;
using WebHooks.Storage;

namespace WebHooks.Service.Admin;

/// <summary>
/// The admin channel of a running service: a Unix socket beside the database file, usable by its owner
/// only from the moment it exists (the process umask is 077, see <see cref="Hosting.OwnerOnlyUmask"/>; connecting
/// needs write permission on the socket). The command line uses it when the service holds the database,
/// so that accounts can be managed and events published without stopping the service.
/// </summary>
public static class AdminSocket
{
    public static string PathFor(string databasePath) => Path.GetFullPath(databasePath) + ".admin.sock";

    /// <summary>Adds the socket to the server's addresses (with the embedded store only: with PostgreSQL the command line works on the database itself).</summary>
    public static void ListenOnAdminSocket(this WebApplicationBuilder builder, string urls)
    {
        var provider = builder.Configuration[$"{WebHooksOptions.Section}:Storage:Provider"] ?? StorageOptions.LiteDb;
        if (!string.Equals(provider, StorageOptions.LiteDb, StringComparison.OrdinalIgnoreCase))
        {
            builder.WebHost.UseUrls(urls);
            return;
        }
        var databasePath = builder.Configuration[$"{WebHooksOptions.Section}:Storage:Path"] ?? new StorageOptions().Path;
        var socket = PathFor(databasePath);
        if (socket.Length > 100) // sun_path holds 108 bytes
        {
            builder.WebHost.UseUrls(urls);
            return;
        }
        builder.WebHost.UseUrls($"{urls};http://unix:{socket}");
    }

    /// <summary>Called once the database is locked by this process: a socket file still there is stale.</summary>
    public static void RemoveStaleSocket(string databasePath)
    {
        var socket = PathFor(databasePath);
        if (File.Exists(socket)) File.Delete(socket);
    }

    /// <summary>The admin endpoints; they answer only on the Unix socket.</summary>
    public static void MapAdminApi(this WebApplication app)
    {
        var admin = app.MapGroup("/admin").DisableAntiforgery().WithBodyLimit(RequestLimits.MaxManagementBodyBytes).AddEndpointFilter(async (context, next) =>
            IsUnixSocketConnection(context.HttpContext) ? await next(context) : Results.NotFound());

        admin.MapGet("/accounts", async (AccountService accounts) =>
            (await accounts.ListAsync()).Select(a => new { name = a.Name, created = a.Created, email = a.Email }));
        admin.MapPost("/accounts", async (AdminAccount body, AccountService accounts) =>
        {
            if (AccountName.Validate(body.Name) is { } bad) return Results.BadRequest(new { error = $"invalid account name: {bad}" });
            if (string.IsNullOrEmpty(body.Password)) return Results.BadRequest(new { error = "no password" });
            if (body.Email is not null && EmailAddress.Validate(body.Email) is { } badEmail) return Results.BadRequest(new { error = $"invalid e-mail address: {badEmail}" });
            return await accounts.AddAsync(body.Name, body.Password, body.Email)
                ? Results.Ok(new { added = AccountName.Normalize(body.Name) })
                : Results.Conflict(new { error = $"account {AccountName.Normalize(body.Name)} exists already" });
        });
        admin.MapDelete("/accounts/{name}", async (string name, AccountService accounts) =>
            await accounts.RemoveAsync(name) ? Results.Ok(new { removed = name }) : Results.NotFound(new { error = $"no account {name}" }));
        admin.MapPost("/accounts/{name}/apikeys", async (string name, ApiKeys keys) =>
            await keys.CreateAsync(name) is { } key ? Results.Ok(new { key }) : Results.NotFound(new { error = $"no account {AccountName.Normalize(name)}" }));
        admin.MapPost("/accounts/{name}/apikeys/revoke", async (string name, AdminApiKey body, ApiKeys keys) =>
            await keys.RevokeAsync(name, body.Key)
                ? Results.Ok(new { revoked = AccountName.Normalize(name) })
                : Results.NotFound(new { error = $"{AccountName.Normalize(name)} has no such API key (or it was revoked already)" }));
        admin.MapPost("/publish", async (AdminPublish body, AccountService accounts, EventIntake intake) =>
        {
            if (await accounts.FindAsync(body.Account) is not { } account) return Results.NotFound(new { error = $"no account {body.Account}" });
            if (EventIntake.Validate(body.Event, body.Data, null) is { } bad) return Results.BadRequest(new { error = bad });
            var published = await intake.PublishAsync(account.Name, body.Event, body.Data.GetRawText());
            return Results.Json(new { eventId = published.EventId, webhooks = published.WebHooks }, statusCode: StatusCodes.Status202Accepted);
        });
    }

    // A TCP connection always has IP addresses; a Unix socket connection has none.
    private static bool IsUnixSocketConnection(HttpContext context) =>
        context.Connection.LocalIpAddress is null && context.Connection.RemoteIpAddress is null;

    public sealed record AdminAccount(string Name, string Password, string? Email);

    /// <summary>A key travels in the body, never in the path: paths end up in logs.</summary>
    public sealed record AdminApiKey(string Key);

    public sealed record AdminPublish(string Account, string Event, System.Text.Json.JsonElement Data);

    /// <summary>An HTTP client that talks to the service over its admin socket.</summary>
    public static HttpClient Client(string databasePath)
    {
        var socket = PathFor(databasePath);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, token) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), token);
                    return new NetworkStream(s, ownsSocket: true);
                }
                catch
                {
                    s.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"http://{ServedHosts.AdminSocketHost}/"), Timeout = TimeSpan.FromSeconds(30) };
    }
}
