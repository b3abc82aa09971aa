using System.Globalization;
using System.Text;
using NLog.LayoutRenderers;
using NLog.LayoutRenderers.Wrappers;

namespace WebHooks.Service.Logging;

/// <summary>
/// <c>${encode-controls:inner=…}</c>: logged values come from requests (account names, parameters), and a
/// newline in one once wrote a line of its own into the log. Control characters (C0, DEL, C1) and the Unicode
/// line and paragraph separators are written as escapes (<c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\u001b</c>), so
/// one event is always one line. With <c>keepLineBreaks=true</c> (for exceptions, whose stack traces are
/// meant to be read on several lines) line breaks stay, but every further line is indented, so that no
/// line of an exception can pass for a log record of its own.
/// </summary>
[LayoutRenderer("encode-controls")]
public sealed class EncodeControlCharacters : WrapperLayoutRendererBase
{
    public const string ContinuationIndent = "    ";

    public bool KeepLineBreaks { get; set; }

    protected override string Transform(string text) => Encode(text, KeepLineBreaks);

    public static string Encode(string text, bool keepLineBreaks = false)
    {
        if (!text.Any(NeedsEncoding)) return text;
        var encoded = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (keepLineBreaks && c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                encoded.Append('\n').Append(ContinuationIndent);
                continue;
            }
            switch (c)
            {
                case '\n': encoded.Append("\\n"); break;
                case '\r': encoded.Append("\\r"); break;
                case '\t': encoded.Append("\\t"); break;
                default:
                    if (NeedsEncoding(c)) encoded.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else encoded.Append(c);
                    break;
            }
        }
        return encoded.ToString();
    }

    private static bool NeedsEncoding(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
