using System.Text;

namespace WebHooks.Bench;

/// <summary>
/// The header fields of an HTTP/1.1 head, one after the other: each line with a colon, its name, and its value without
/// the spaces around it. Used by the receiver's and the publishers' hand-written HTTP.
/// </summary>
internal ref struct HeaderFields(ReadOnlySpan<byte> head)
{
    private readonly ReadOnlySpan<byte> _head = head;
    private MemoryExtensions.SpanSplitEnumerator<byte> _lines = head.Split("\r\n"u8);

    public ReadOnlySpan<byte> Name { get; private set; }
    public ReadOnlySpan<byte> Value { get; private set; }

    public bool MoveNext()
    {
        while (_lines.MoveNext())
        {
            var line = _head[_lines.Current];
            var colon = line.IndexOf((byte)':');
            if (colon < 0) continue; // the request or status line
            Name = line[..colon];
            Value = line[(colon + 1)..].Trim((byte)' ');
            return true;
        }
        return false;
    }

    /// <summary>Whether the current field is <paramref name="name"/> (names are case-insensitive).</summary>
    public readonly bool Is(ReadOnlySpan<byte> name) => Ascii.EqualsIgnoreCase(Name, name);
}
