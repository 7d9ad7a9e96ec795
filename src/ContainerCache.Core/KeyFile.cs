using System;
using System.Globalization;
using System.IO;
using System.Text;

namespace ContainerCache;

/// <summary>
/// The key file, <c>container-cache.json</c>: the key, the schema version and the per-input manifest.
/// It carries no timestamps or absolute paths, so unchanged input gives byte-identical files.
/// </summary>
public static class KeyFile
{
    public const int SchemaVersion = 1;

    /// <param name="baseImage">The base image reference the key was computed with, if any.</param>
    /// <param name="baseImageDigest">The digest the base image resolved to, or null when it was keyed by reference only.</param>
    public static string Serialize(ContentKey key, string? baseImage = null, string? baseImageDigest = null)
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
            json.Append("    { \"path\": ").Append(Quote(entry.Path)).Append(", \"kind\": ").Append(Quote(KindName(entry.Kind)));
            if (entry.Hash is not null)
            {
                json.Append(", \"size\": ").Append(entry.Size.ToString(CultureInfo.InvariantCulture));
                json.Append(", \"hash\": ").Append(Quote(entry.Hash));
                if (entry.Executable)
                {
                    json.Append(", \"executable\": true");
                }

                if (entry.Normalization is not null)
                {
                    json.Append(", \"normalized\": ").Append(Quote(entry.Normalization));
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
            json.Append("    { \"name\": ").Append(Quote(setting.Name)).Append(", \"hash\": ").Append(Quote(setting.Hash)).Append(" }");
        }

        json.Append(key.Settings.Count == 0 ? "]\n" : "\n  ]\n");
        json.Append("}\n");
        return json.ToString();
    }

    /// <summary>
    /// Writes the file atomically, and only when its content differs, so that its timestamp moves
    /// only when the key's inputs do. Returns whether it wrote.
    /// </summary>
    public static bool WriteIfChanged(string path, string content)
    {
        byte[] bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(content);
        string temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            if (File.Exists(path) && ContentEquals(path, bytes))
            {
                return false;
            }

            string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            File.WriteAllBytes(temporary, bytes);
            Replace(temporary, path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new ContainerCacheException(
                DiagnosticCodes.KeyFileUnwritable,
                $"The key file '{path}' cannot be written: {e.Message}",
                e);
        }
    }

    private static bool ContentEquals(string path, byte[] bytes)
    {
        var info = new FileInfo(path);
        return info.Length == bytes.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes);
    }

    private static void Replace(string source, string destination)
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

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static string KindName(EntryKind kind) => kind switch
    {
        EntryKind.File => "file",
        EntryKind.Directory => "directory",
        EntryKind.FileLink => "fileLink",
        _ => "directoryLink",
    };

    private static string Quote(string value) => Json.Quote(value);
}
