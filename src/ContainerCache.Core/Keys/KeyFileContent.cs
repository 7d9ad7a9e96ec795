using System.Collections.Generic;

namespace ContainerCache.Keys;

/// <summary>A key file as read back: what an earlier publish keyed.</summary>
internal sealed class KeyFileContent
{
    public KeyFileContent(
        int schemaVersion,
        string key,
        uint keyFormatVersion,
        string? baseImage,
        string? baseImageDigest,
        IReadOnlyDictionary<string, KeyedEntry> files,
        IReadOnlyDictionary<string, string> settings)
    {
        SchemaVersion = schemaVersion;
        Key = key;
        KeyFormatVersion = keyFormatVersion;
        BaseImage = baseImage;
        BaseImageDigest = baseImageDigest;
        Files = files;
        Settings = settings;
    }

    public int SchemaVersion { get; }
    public string Key { get; }
    public uint KeyFormatVersion { get; }
    public string? BaseImage { get; }
    public string? BaseImageDigest { get; }
    public IReadOnlyDictionary<string, KeyedEntry> Files { get; }

    /// <summary>Setting name to hash.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }
}
