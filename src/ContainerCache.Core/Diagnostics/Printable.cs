using System.Text;

namespace ContainerCache.Diagnostics;

/// <summary>
/// Makes text that comes from a file name, a path or a property value safe to print: a name may hold
/// any character but '/' and NUL, so a name with a newline could otherwise print a line of its own
/// (a fake <c>ContainerCache: hit ...</c>), and bidirectional overrides could show it reversed.
/// </summary>
internal static class Printable
{
    /// <summary>
    /// The text with every control character (C0, DEL, C1), line or paragraph separator and bidi
    /// control written as an escape: <c>\n</c>, <c>\r</c>, <c>\t</c>, else <c>\uXXXX</c>. For reading,
    /// not for parsing back: a backslash is left as it is, so that Windows paths stay legible, and
    /// escaping twice changes nothing.
    /// </summary>
    public static string Of(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        int first = 0;
        while (first < text!.Length && !MustEscape(text[first]))
        {
            first++;
        }

        if (first == text.Length)
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 8).Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (!MustEscape(c))
            {
                escaped.Append(c);
                continue;
            }

            switch (c)
            {
                case '\n': escaped.Append("\\n"); break;
                case '\r': escaped.Append("\\r"); break;
                case '\t': escaped.Append("\\t"); break;
                default: escaped.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)); break;
            }
        }

        return escaped.ToString();
    }

    private static bool MustEscape(char c) =>
        c < 0x20 || (c >= 0x7F && c <= 0x9F) // C0, DEL, C1 (NEL is a line break too)
        || c == '\u2028' || c == '\u2029' // line and paragraph separators
        || c == '\u061C' || c == '\u200E' || c == '\u200F' // bidi marks
        || (c >= '\u202A' && c <= '\u202E') // bidi embeddings and overrides
        || (c >= '\u2066' && c <= '\u2069'); // bidi isolates
}
