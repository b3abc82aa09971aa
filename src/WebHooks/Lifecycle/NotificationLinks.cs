using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using WebHooks.Storage;

namespace WebHooks.Lifecycle;

/// <summary>
/// Signed reactivation links: <c>/notifications/{id}?token=…</c>, the token an HMAC of the notification
/// under a server key kept with the data, so that a link cannot be guessed, forged or altered.
/// </summary>
public sealed class NotificationLinks
{
    private const string KeySetting = "notification-link-key";
    private readonly byte[] _key;

    public NotificationLinks(Store store)
    {
        var stored = store.Settings.FindById(KeySetting) ?? store.WriteAsync(() =>
        {
            var existing = store.Settings.FindById(KeySetting);
            if (existing is not null) return existing;
            var created = new SettingDocument { Name = KeySetting, Value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
            store.Settings.Insert(created);
            return created;
        }).GetAwaiter().GetResult();
        _key = Convert.FromBase64String(stored.Value);
    }

    public string Token(NotificationDocument notification) =>
        WebEncoders.Base64UrlEncode(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(Payload(notification))));

    public bool IsValid(NotificationDocument notification, string? token)
    {
        if (string.IsNullOrEmpty(token)) return false;
        byte[] given;
        try { given = WebEncoders.Base64UrlDecode(token); }
        catch (FormatException) { return false; }
        var expected = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(Payload(notification)));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    public string PathOf(NotificationDocument notification) => $"/notifications/{notification.Id}?token={Token(notification)}";

    private static string Payload(NotificationDocument n) => $"notification\n{n.Id}\n{n.Account}\n{n.WebHookId}\n{n.Created.Ticks}";
}
