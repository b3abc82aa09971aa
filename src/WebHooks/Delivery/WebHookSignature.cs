using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WebHooks.Delivery;

/// <summary>The <c>webhook-signature</c> header value (spec 5.1, Standard Webhooks).</summary>
public static class WebHookSignature
{
    public const string SecretPrefix = "whsec_";

    /// <summary>
    /// <c>v1,</c> + Base64(HMAC-SHA256(key, <c>{eventId}.{timestamp}.{body}</c>)), where the key is the
    /// Base64-decoded part of <paramref name="secret"/> after its <c>whsec_</c> prefix.
    /// </summary>
    /// <exception cref="FormatException">The secret is not (<c>whsec_</c> +) Base64 of at least one byte.</exception>
    public static string Sign(string secret, string eventId, long timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(eventId);
        ArgumentNullException.ThrowIfNull(body);

        var key = DecodeSecret(secret);
        var content = Encoding.UTF8.GetBytes(
            string.Concat(eventId, ".", timestamp.ToString(CultureInfo.InvariantCulture), ".", body));
        var mac = HMACSHA256.HashData(key, content);
        return "v1," + Convert.ToBase64String(mac);
    }

    private static byte[] DecodeSecret(string secret)
    {
        // Like the Standard Webhooks reference libraries, a secret without the prefix is taken as bare Base64.
        var encoded = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        var key = Convert.FromBase64String(encoded);
        if (key.Length == 0)
        {
            throw new FormatException("The webhook secret is empty.");
        }

        return key;
    }
}
