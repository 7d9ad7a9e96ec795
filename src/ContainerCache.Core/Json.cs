using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ContainerCache;

/// <summary>
/// A small, strict JSON reader and string quoter, enough for registry manifests, image configs,
/// docker config files and key files, with no dependency that .NET Framework MSBuild lacks.
/// Objects read as <see cref="Dictionary{TKey, TValue}"/> (string to object?), arrays as
/// <see cref="List{T}"/> of object?, strings as string, numbers as double, true/false as bool.
/// </summary>
internal static class Json
{
    private const int MaxDepth = 64;

    /// <exception cref="FormatException">The text is not one well-formed JSON value.</exception>
    public static object? Parse(string text)
    {
        var reader = new Reader(text);
        object? value = reader.ReadValue(0);
        reader.SkipWhitespace();
        if (!reader.AtEnd)
        {
            throw reader.Error("text after the JSON value");
        }

        return value;
    }

    /// <summary>Parses the text as a JSON object, or returns null when it is not one.</summary>
    public static Dictionary<string, object?>? TryParseObject(string text)
    {
        try
        {
            return Parse(text) as Dictionary<string, object?>;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// The elements of the array whose '[' is at <paramref name="start"/> in <paramref name="text"/>, each
    /// with its span there (the whitespace around it left out) and its value; null when no well-formed
    /// array starts there. What follows the array is not read.
    /// </summary>
    public static List<(int Start, int End, object? Value)>? TryReadArrayElements(string text, int start)
    {
        if (start < 0 || start >= text.Length || text[start] != '[')
        {
            return null;
        }

        var elements = new List<(int Start, int End, object? Value)>();
        try
        {
            new Reader(text, start).ReadValue(0, elements);
            return elements;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The string at a path of object members, or null when any step is missing or of another type.</summary>
    public static string? GetString(object? node, params string[] path) => Get(node, path) as string;

    /// <summary>The number at a path of object members, or null.</summary>
    public static double? GetNumber(object? node, params string[] path) => Get(node, path) as double?;

    /// <summary>The object at a path of object members, or null.</summary>
    public static Dictionary<string, object?>? GetObject(object? node, params string[] path) => Get(node, path) as Dictionary<string, object?>;

    /// <summary>The array at a path of object members, or null.</summary>
    public static List<object?>? GetArray(object? node, params string[] path) => Get(node, path) as List<object?>;

    private static object? Get(object? node, string[] path)
    {
        foreach (string name in path)
        {
            if (node is not Dictionary<string, object?> obj || !obj.TryGetValue(name, out node))
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>Whether two values read by <see cref="Parse"/> are the same JSON value (object members in any order).</summary>
    public static bool DeepEquals(object? a, object? b)
    {
        switch (a)
        {
            case Dictionary<string, object?> x when b is Dictionary<string, object?> y:
                foreach (KeyValuePair<string, object?> member in x)
                {
                    if (!y.TryGetValue(member.Key, out object? other) || !DeepEquals(member.Value, other))
                    {
                        return false;
                    }
                }

                return x.Count == y.Count;
            case List<object?> x when b is List<object?> y:
                if (x.Count != y.Count)
                {
                    return false;
                }

                for (int i = 0; i < x.Count; i++)
                {
                    if (!DeepEquals(x[i], y[i]))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return Equals(a, b);
        }
    }

    /// <summary>A value of the shapes <see cref="Parse"/> reads, written as compact JSON (members in their order).</summary>
    public static string Write(object? value) => AppendValue(new StringBuilder(), value).ToString();

    private static StringBuilder AppendValue(StringBuilder json, object? value)
    {
        switch (value)
        {
            case null:
                return json.Append("null");
            case bool b:
                return json.Append(b ? "true" : "false");
            case double d:
                return json.Append(d.ToString("R", CultureInfo.InvariantCulture));
            case string s:
                return AppendQuoted(json, s);
            case Dictionary<string, object?> obj:
                json.Append('{');
                bool firstMember = true;
                foreach (KeyValuePair<string, object?> member in obj)
                {
                    json.Append(firstMember ? "" : ",");
                    firstMember = false;
                    AppendQuoted(json, member.Key).Append(':');
                    AppendValue(json, member.Value);
                }

                return json.Append('}');
            case List<object?> list:
                json.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    json.Append(i == 0 ? "" : ",");
                    AppendValue(json, list[i]);
                }

                return json.Append(']');
            default:
                throw new ArgumentException($"A {value.GetType().Name} is not a JSON value of this reader's shapes.", nameof(value));
        }
    }

    /// <summary>A JSON string literal for the value.</summary>
    public static string Quote(string value) => AppendQuoted(new StringBuilder(value.Length + 2), value).ToString();

    /// <summary>Appends <paramref name="value"/> as a JSON string literal.</summary>
    public static StringBuilder AppendQuoted(StringBuilder json, string value)
    {
        json.Append('"');
        int plain = 0;
        while (plain < value.Length && value[plain] >= 0x20 && value[plain] != '"' && value[plain] != '\\')
        {
            plain++;
        }

        json.Append(value, 0, plain);
        for (int i = plain; i < value.Length; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        json.Append(c);
                    }

                    break;
            }
        }

        return json.Append('"');
    }

    private sealed class Reader
    {
        private readonly string _text;
        private int _position;

        public Reader(string text, int position = 0)
        {
            _text = text;
            _position = position;
        }

        public bool AtEnd => _position >= _text.Length;

        /// <param name="elements">When the value is an array: its elements with their spans are added here.</param>
        public object? ReadValue(int depth, List<(int Start, int End, object? Value)>? elements = null)
        {
            if (depth > MaxDepth)
            {
                throw Error("nesting deeper than " + MaxDepth);
            }

            SkipWhitespace();
            if (AtEnd)
            {
                throw Error("unexpected end");
            }

            char c = _text[_position];
            switch (c)
            {
                case '{': return ReadObject(depth);
                case '[': return ReadArray(depth, elements);
                case '"': return ReadString();
                case 't': return ReadLiteral("true", true);
                case 'f': return ReadLiteral("false", false);
                case 'n': return ReadLiteral("null", null);
                default:
                    if (c == '-' || (c >= '0' && c <= '9'))
                    {
                        return ReadNumber();
                    }

                    throw Error($"unexpected '{c}'");
            }
        }

        private Dictionary<string, object?> ReadObject(int depth)
        {
            var obj = new Dictionary<string, object?>(StringComparer.Ordinal);
            _position++;
            SkipWhitespace();
            if (TryConsume('}'))
            {
                return obj;
            }

            while (true)
            {
                SkipWhitespace();
                if (AtEnd || _text[_position] != '"')
                {
                    throw Error("expected a member name");
                }

                string name = ReadString();
                SkipWhitespace();
                Expect(':');
                obj[name] = ReadValue(depth + 1);
                SkipWhitespace();
                if (TryConsume('}'))
                {
                    return obj;
                }

                Expect(',');
            }
        }

        private List<object?> ReadArray(int depth, List<(int Start, int End, object? Value)>? elements)
        {
            var array = new List<object?>();
            _position++;
            SkipWhitespace();
            if (TryConsume(']'))
            {
                return array;
            }

            while (true)
            {
                SkipWhitespace();
                int start = _position;
                object? element = ReadValue(depth + 1);
                array.Add(element);
                elements?.Add((start, _position, element));
                SkipWhitespace();
                if (TryConsume(']'))
                {
                    return array;
                }

                Expect(',');
            }
        }

        private string ReadString()
        {
            _position++;
            var value = new StringBuilder();
            while (true)
            {
                if (AtEnd)
                {
                    throw Error("unterminated string");
                }

                char c = _text[_position++];
                if (c == '"')
                {
                    return value.ToString();
                }

                if (c < 0x20)
                {
                    throw Error("control character in a string");
                }

                if (c != '\\')
                {
                    value.Append(c);
                    continue;
                }

                if (AtEnd)
                {
                    throw Error("unterminated escape");
                }

                char escape = _text[_position++];
                switch (escape)
                {
                    case '"': value.Append('"'); break;
                    case '\\': value.Append('\\'); break;
                    case '/': value.Append('/'); break;
                    case 'b': value.Append('\b'); break;
                    case 'f': value.Append('\f'); break;
                    case 'n': value.Append('\n'); break;
                    case 'r': value.Append('\r'); break;
                    case 't': value.Append('\t'); break;
                    case 'u':
                        if (_position + 4 > _text.Length
                            || !int.TryParse(_text.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                        {
                            throw Error("bad \\u escape");
                        }

                        value.Append((char)code);
                        _position += 4;
                        break;
                    default:
                        throw Error($"bad escape '\\{escape}'");
                }
            }
        }

        private double ReadNumber()
        {
            int start = _position;
            while (!AtEnd && "+-0123456789.eE".IndexOf(_text[_position]) >= 0)
            {
                _position++;
            }

            string number = _text.Substring(start, _position - start);
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                throw Error($"bad number '{number}'");
            }

            return value;
        }

        private object? ReadLiteral(string literal, object? value)
        {
            if (string.CompareOrdinal(_text, _position, literal, 0, literal.Length) != 0)
            {
                throw Error("unexpected literal");
            }

            _position += literal.Length;
            return value;
        }

        public void SkipWhitespace()
        {
            while (!AtEnd && (_text[_position] == ' ' || _text[_position] == '\t' || _text[_position] == '\n' || _text[_position] == '\r'))
            {
                _position++;
            }
        }

        private bool TryConsume(char c)
        {
            if (!AtEnd && _text[_position] == c)
            {
                _position++;
                return true;
            }

            return false;
        }

        private void Expect(char c)
        {
            if (!TryConsume(c))
            {
                throw Error($"expected '{c}'");
            }
        }

        public FormatException Error(string what) => new($"Not valid JSON at character {_position}: {what}.");
    }
}
