using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using WebHooks.Storage;

namespace WebHooks.Lifecycle;

/// <summary>
/// Signed reactivation links: <c>/notifications/{id}?token=…</c>, the token an HMAC of the notification under a server
/// key kept in the storage (shared by every instance), so that a link cannot be guessed, forged or altered.
/// </summary>
public sealed class NotificationLinks(IWebHooksStorage storage)
{
    private const string KeyName = "notification-link-key";
    private byte[]? _key;

    public async Task<string> TokenAsync(Notification notification) =>
        WebEncoders.Base64UrlEncode(HMACSHA256.HashData(await KeyAsync(), Payload(notification)));

    public async Task<bool> IsValidAsync(Notification notification, string? token)
    {
        if (string.IsNullOrEmpty(token)) return false;
        byte[] given;
        try { given = WebEncoders.Base64UrlDecode(token); }
        catch (FormatException) { return false; }
        var expected = HMACSHA256.HashData(await KeyAsync(), Payload(notification));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    public async Task<string> PathOfAsync(Notification notification) => $"/notifications/{notification.Id}?token={await TokenAsync(notification)}";

    private async ValueTask<byte[]> KeyAsync() =>
        _key ??= await storage.Shared.GetOrCreateKeyAsync(KeyName, () => RandomNumberGenerator.GetBytes(32));

    private static byte[] Payload(Notification n) => Encoding.UTF8.GetBytes($"notification\n{n.Id}\n{n.Account}\n{n.WebHookId}\n{n.Created.Ticks}");
}
