using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using ContainerCache.Diagnostics;
using ContainerCache.PublishOutput;

namespace ContainerCache.Keys;

/// <summary>
/// The key file, <c>container-cache.json</c>: the key, the schema version and the per-input manifest.
/// It carries no timestamps or absolute paths, so unchanged input gives byte-identical files.
/// </summary>
internal static class KeyFile
{
    /// <remarks>2: setting hashes are salted with the file's key (HMAC-SHA256), no longer plain XxHash128.</remarks>
    public const int SchemaVersion = 2;

    /// <param name="baseImage">The base image reference the key was computed with, if any.</param>
    /// <param name="baseImageDigest">The digest the base image resolved to, or null when it was keyed by reference only.</param>
    public static string Serialize(ContentKey key, string? baseImage = null, string? baseImageDigest = null) =>
        SerializeText(key, baseImage, baseImageDigest).ToString();

    /// <summary>
    /// <see cref="Serialize"/>'s text, unjoined: a StringBuilder keeps it in small chunks, where one
    /// string of a large key file would be a large-object allocation (and, in MSBuild's big heap,
    /// a full garbage collection of tens of milliseconds).
    /// </summary>
    public static StringBuilder SerializeText(ContentKey key, string? baseImage = null, string? baseImageDigest = null)
    {
        var json = new StringBuilder();
        json.Append("{\n");
        json.Append("  \"schemaVersion\": ").Append(SchemaVersion).Append(",\n");
        json.Append("  \"key\": ").Append(Quote(key.Key)).Append(",\n");
        json.Append("  \"keyFormatVersion\": ").Append(ContentKey.FormatVersion).Append(",\n");
        if (!string.IsNullOrEmpty(baseImage))
        {
            json.Append("  \"baseImage\": { \"name\": ").Append(Quote(baseImage!))
                .Append(", \"digest\": ").Append(baseImageDigest is null ? "null" : Quote(baseImageDigest)).Append(" },\n");
        }

        json.Append("  \"fileCount\": ").Append(key.FileCount).Append(",\n");
        json.Append("  \"totalBytes\": ").Append(key.TotalBytes.ToString(CultureInfo.InvariantCulture)).Append(",\n");
        json.Append("  \"files\": [");
        for (int i = 0; i < key.Entries.Count; i++)
        {
            KeyedEntry entry = key.Entries[i];
            json.Append(i == 0 ? "\n" : ",\n");
            Json.AppendQuoted(json.Append("    { \"path\": "), entry.Path).Append(", \"kind\": \"").Append(KindName(entry.Kind)).Append('"');
            if (entry.Hash is not null)
            {
                json.Append(", \"size\": ").Append(entry.Size.ToString(CultureInfo.InvariantCulture));
                json.Append(", \"hash\": \"").Append(entry.Hash).Append('"'); // hex
                if (entry.Executable)
                {
                    json.Append(", \"executable\": true");
                }

                if (entry.Normalization is not null)
                {
                    Json.AppendQuoted(json.Append(", \"normalized\": "), entry.Normalization);
                }
            }

            json.Append(" }");
        }

        json.Append(key.Entries.Count == 0 ? "],\n" : "\n  ],\n");
        json.Append("  \"settings\": [");
        for (int i = 0; i < key.Settings.Count; i++)
        {
            KeyedSetting setting = key.Settings[i];
            json.Append(i == 0 ? "\n" : ",\n");
            Json.AppendQuoted(json.Append("    { \"name\": "), setting.Name).Append(", \"hash\": \"").Append(setting.Hash).Append("\" }");
        }

        json.Append(key.Settings.Count == 0 ? "]\n" : "\n  ]\n");
        json.Append("}\n");
        return json;
    }

    private const string IndexMember = ",\n  \"index\": ";

    /// <summary>
    /// A multi-platform publish's key file with its image index's key as the last member,
    /// <c>index</c>, replacing any earlier one: the index key, its format version, its tag, and the
    /// key of each platform image it was derived from, by runtime identifier (ordinal order).
    /// </summary>
    /// <exception cref="ContainerCacheException">CONTAINERCACHE1012: the text does not end as a key file does.</exception>
    public static StringBuilder WithIndex(string keyFileText, string indexKey, string indexTag, IEnumerable<KeyValuePair<string, string>> platformKeys)
    {
        string text = keyFileText;
        int index = text.IndexOf(IndexMember, StringComparison.Ordinal);
        if (index >= 0)
        {
            text = text.Substring(0, index) + "\n}\n";
        }

        if (!text.EndsWith("\n}\n", StringComparison.Ordinal))
        {
            throw new ContainerCacheException(DiagnosticMessages.KeyFileEndUnknown.With());
        }

        var json = new StringBuilder(text, 0, text.Length - 3, text.Length + 256);
        json.Append(IndexMember).Append("{ \"key\": ").Append(Quote(indexKey))
            .Append(", \"keyFormatVersion\": ").Append(IndexKey.FormatVersion)
            .Append(", \"tag\": ").Append(Quote(indexTag))
            .Append(", \"platforms\": [");
        bool first = true;
        foreach (KeyValuePair<string, string> platform in platformKeys.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            json.Append(first ? "\n" : ",\n");
            first = false;
            Json.AppendQuoted(json.Append("    { \"runtimeIdentifier\": "), platform.Key).Append(", \"key\": ").Append(Quote(platform.Value)).Append(" }");
        }

        json.Append("\n  ] }\n}\n");
        return json;
    }

    /// <summary>
    /// Writes the file atomically, and only when its content differs, so that its timestamp moves
    /// only when the key's inputs do. Returns whether it wrote. An existing file is replaced only
    /// if it is a key file (see <see cref="WhyNotAKeyFile"/>), else CONTAINERCACHE1012.
    /// </summary>
    public static bool WriteIfChanged(string path, string content) => WriteIfChanged(path, new StringBuilder(content));

    /// <summary>See <see cref="WriteIfChanged(string, string)"/>.</summary>
    /// <param name="temporaryDirectory">
    /// Where the file is written before it is renamed into place; by default beside it. For a key
    /// file in the publish directory, a directory outside it (obj/): a build killed before the
    /// rename must leave nothing there that the SDK would layer. Across file systems the rename is
    /// a copy, which a kill can leave half done, but only as the key file itself: keyed by no one
    /// (it is left out of the key) and replaced by the next publish.
    /// </param>
    /// <param name="name">How the messages name the file, such as the property that set its path.</param>
    public static bool WriteIfChanged(string path, StringBuilder content, string? temporaryDirectory = null, string name = "The key file")
    {
        string fullPath = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(fullPath);
        string temporary = Path.Combine(
            string.IsNullOrEmpty(temporaryDirectory) ? directory ?? "" : temporaryDirectory!,
            Path.GetFileName(fullPath) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            if (Directory.Exists(path))
            {
                // Nothing a key file could be mistaken for; it just cannot be written there.
                throw new IOException("a directory is in its place; delete it (ContainerCache keeps a file there).");
            }

            if (WhyNotAKeyFile(path) is string reason)
            {
                throw new ContainerCacheException(DiagnosticMessages.NotAKeyFile.With(name, path, reason));
            }

            if (HasContent(path, content))
            {
                return false;
            }

            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(temporary)!);

            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                Encoded(content, (bytes, count) =>
                {
                    file.Write(bytes, 0, count);
                    return true;
                });
            }

            Replace(temporary, path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new ContainerCacheException(DiagnosticMessages.KeyFileUnwritable.With(name, path, e.Message), e);
        }
    }

    /// <summary>How every key file this package has written begins (schemas 1 and 2).</summary>
    private static readonly byte[] Opening = Encoding.UTF8.GetBytes("{\n  \"schemaVersion\": ");

    /// <summary>
    /// Why the file at <paramref name="path"/> must not be replaced by a key file, or null: it does
    /// not exist, or it begins as every key file does. A file shorter than that beginning counts
    /// when it is a beginning of it, the empty file included: that is what a write cut short
    /// leaves, and it holds nothing to lose. Only the first bytes are read, and only of a regular file.
    /// A directory is the caller's to refuse (<see cref="WriteIfChanged(string, StringBuilder, string?, string)"/>: it cannot be written there).
    /// </summary>
    private static string? WhyNotAKeyFile(string path)
    {
        if (SmallFile.SpecialType(path) is string type)
        {
            return "it is " + type;
        }

        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            var start = new byte[Opening.Length];
            int read = 0;
            int count;
            while (read < start.Length && (count = file.Read(start, read, start.Length - read)) > 0)
            {
                read += count;
            }

            return start.AsSpan(0, read).SequenceEqual(Opening.AsSpan(0, read))
                ? null
                : "it does not begin as a key file that ContainerCache writes does";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "it cannot be read: " + e.Message;
        }
    }

    /// <summary>Whether the file at <paramref name="path"/> holds exactly <paramref name="content"/> in UTF-8 (no byte order mark).</summary>
    /// <exception cref="IOException">The file exists but cannot be read.</exception>
    public static bool HasContent(string path, StringBuilder content)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 1);
        byte[] read = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            return Encoded(content, (bytes, count) => ReadExactly(file, read, count) && read.AsSpan(0, count).SequenceEqual(bytes.AsSpan(0, count)))
                && file.Read(read, 0, 1) == 0;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(read);
        }
    }

    private const int ChunkChars = 8 * 1024;
    private const int ChunkBytes = 4 * ChunkChars; // UTF-8 needs at most 3 bytes a char, and the encoder's carried surrogate

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Feeds <paramref name="content"/> as UTF-8 to <paramref name="consume"/>, a small pooled buffer at a time, until it returns false.</summary>
    private static bool Encoded(StringBuilder content, Func<byte[], int, bool> consume)
    {
        Encoder encoder = Utf8NoBom.GetEncoder();
        char[] chars = ArrayPool<char>.Shared.Rent(ChunkChars);
        byte[] bytes = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            for (int start = 0; start < content.Length; start += ChunkChars)
            {
                int count = Math.Min(ChunkChars, content.Length - start);
                content.CopyTo(start, chars, 0, count);
                int encoded = encoder.GetBytes(chars, 0, count, bytes, 0, flush: start + count == content.Length);
                if (!consume(bytes, encoded))
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private static bool ReadExactly(Stream stream, byte[] buffer, int count)
    {
        for (int offset = 0; offset < count;)
        {
            int read = stream.Read(buffer, offset, count - offset);
            if (read == 0)
            {
                return false;
            }

            offset += read;
        }

        return true;
    }

    internal static void Replace(string source, string destination)
    {
#if NET
        File.Move(source, destination, overwrite: true);
#else
        if (File.Exists(destination))
        {
            File.Replace(source, destination, destinationBackupFileName: null);
        }
        else
        {
            File.Move(source, destination);
        }
#endif
    }

    internal static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Reads a key file of schema 1 or 2, as written by this package.</summary>
    /// <exception cref="FormatException">The text is not such a key file; the message says what is wrong.</exception>
    public static KeyFileContent Read(string json)
    {
        Dictionary<string, object?> root = Json.Parse(json) as Dictionary<string, object?>
            ?? throw new FormatException("It is not a JSON object.");
        int schema = (int)(WholeNumber(root, "schemaVersion", int.MaxValue) ?? 0);
        if (schema is not (1 or 2))
        {
            throw new FormatException($"Its schemaVersion is {(schema == 0 ? "missing" : schema.ToString(CultureInfo.InvariantCulture))}; this package reads 1 and 2.");
        }

        string key = Json.GetString(root, "key") ?? throw new FormatException("It has no key.");
        var files = new Dictionary<string, KeyedEntry>(StringComparer.Ordinal);
        foreach (object? file in Json.GetArray(root, "files") ?? throw new FormatException("It has no files."))
        {
            string path = Json.GetString(file, "path") ?? throw new FormatException("A file has no path.");
            string kind = Json.GetString(file, "kind") ?? "";
            files[path] = new KeyedEntry(
                path,
                KindFromName(kind) ?? throw new FormatException($"The file '{path}' has an unknown kind '{kind}'."),
                WholeNumber(file, "size", MaxSize) ?? 0,
                Json.GetString(file, "hash"),
                Json.GetObject(file) is { } entry && entry.TryGetValue("executable", out object? executable) && executable is true,
                Json.GetString(file, "normalized"));
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (object? setting in Json.GetArray(root, "settings") ?? throw new FormatException("It has no settings."))
        {
            settings[Json.GetString(setting, "name") ?? throw new FormatException("A setting has no name.")] =
                Json.GetString(setting, "hash") ?? throw new FormatException("A setting has no hash.");
        }

        return new KeyFileContent(
            schema,
            key,
            (uint)(WholeNumber(root, "keyFormatVersion", uint.MaxValue) ?? 0),
            Json.GetString(root, "baseImage", "name"),
            Json.GetString(root, "baseImage", "digest"),
            files,
            settings);
    }

    /// <summary>2^53: the largest whole number a JSON reader's double holds exactly, and more than any file's size.</summary>
    private const long MaxSize = 1L << 53;

    /// <summary>The number <paramref name="name"/> of <paramref name="node"/>, or null when there is none.</summary>
    /// <exception cref="FormatException">It is not a whole number from 0 to <paramref name="max"/>: a cast would wrap it silently.</exception>
    private static long? WholeNumber(object? node, string name, long max)
    {
        if (Json.GetNumber(node, name) is not double value)
        {
            return null;
        }

        if (!(value >= 0 && value <= max && Math.Floor(value) == value))
        {
            throw new FormatException($"Its {name} {value.ToString(CultureInfo.InvariantCulture)} is not a whole number from 0 to {max.ToString(CultureInfo.InvariantCulture)}.");
        }

        return (long)value;
    }

    private static EntryKind? KindFromName(string name) => name switch
    {
        "file" => EntryKind.File,
        "directory" => EntryKind.Directory,
        "fileLink" => EntryKind.FileLink,
        "directoryLink" => EntryKind.DirectoryLink,
        _ => null,
    };

    private static string KindName(EntryKind kind) => kind switch
    {
        EntryKind.File => "file",
        EntryKind.Directory => "directory",
        EntryKind.FileLink => "fileLink",
        _ => "directoryLink",
    };

    private static string Quote(string value) => Json.Quote(value);
}
