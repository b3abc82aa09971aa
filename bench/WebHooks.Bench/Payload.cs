using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace WebHooks.Bench;

/// <summary>
/// The event data: an <c>optin_finalized</c> like the spec's example, padded with profile fields to
/// about 540 bytes, with a sequence number and the publish moment (<see cref="Stopwatch"/> ticks of this
/// process) in front, so the receiver can tell events apart and measure publish-to-receipt latency.
/// </summary>
public static class Payload
{
    public const string EventName = "optin_finalized";

    private const string Rest =
        "\"id\":371,\"optinsetup_id\":60,\"subscriber_id\":6049065,\"fields\":[" +
        "{\"id\":1,\"value\":\"max.muster@example.com\"},{\"id\":2,\"value\":\"Max\"},{\"id\":3,\"value\":\"Muster\"}," +
        "{\"id\":4,\"value\":\"Musterstrasse 1\"},{\"id\":5,\"value\":\"12345\"},{\"id\":6,\"value\":\"Musterstadt\"}," +
        "{\"id\":7,\"value\":\"DE\"},{\"id\":8,\"value\":\"+49 30 1234567\"},{\"id\":9,\"value\":\"1980-01-01\"}," +
        "{\"id\":10,\"value\":\"Newsletter Weekly\"}]," +
        "\"lists\":[{\"id\":1,\"value\":1},{\"id\":3,\"value\":0},{\"id\":4,\"value\":1},{\"id\":7,\"value\":1}]," +
        "\"ip\":\"203.0.113.17\",\"activate_at\":\"2025-11-11 09:27:29\"}";

    /// <summary>The data object of event <paramref name="seq"/>, stamped now.</summary>
    public static string Data(int seq) =>
        $"{{\"seq\":{seq},\"sentAt\":{Stopwatch.GetTimestamp()},{Rest}";

    /// <summary>The body of <c>POST /api/events</c> around <see cref="Data"/>.</summary>
    public static byte[] PublishBody(int seq) =>
        Encoding.UTF8.GetBytes($"{{\"event\":\"{EventName}\",\"data\":{Data(seq)}}}");

    public static int TypicalDataBytes => Encoding.UTF8.GetByteCount(Data(100_000));

    /// <summary>Reads <c>seq</c> and <c>sentAt</c> from the front of a delivered body; false if they are not there.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, out int seq, out long sentAt)
    {
        seq = -1;
        sentAt = 0;
        var found = 0;
        var reader = new Utf8JsonReader(body);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (found < 2 && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isSeq = reader.ValueTextEquals("seq"u8);
                var isSentAt = reader.ValueTextEquals("sentAt"u8);
                if (!reader.Read()) return false;
                if (isSeq && reader.TryGetInt32(out seq)) found++;
                else if (isSentAt && reader.TryGetInt64(out sentAt)) found++;
                else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
            }
        }
        catch (JsonException)
        {
            return false;
        }
        return found == 2;
    }
}
