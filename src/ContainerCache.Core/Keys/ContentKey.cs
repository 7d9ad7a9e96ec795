using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using ContainerCache.Hashing;
using ContainerCache.PublishOutput;

namespace ContainerCache.Keys;

/// <summary>A content key and the per-input manifest it was computed from.</summary>
internal sealed class ContentKey
{
    /// <summary>Bumped whenever the encoding changes, so every key changes with it.</summary>
    /// <remarks>2: the content of static web assets manifests is hashed after normalisation; 3: with the endpoints of each route sorted.</remarks>
    public const uint FormatVersion = 3;

    private const string Magic = "ContainerCache.ContentKey";

    // What the key was computed from, for Rekey: the entries as listed (with their stamps), their
    // contents' hashes, and when the hashing started (ns since the Unix epoch).
    private readonly IReadOnlyList<LayerEntry> _layerEntries;
    private readonly IReadOnlyList<ContentHash> _contents;
    private readonly long _hashedAtNs;

    private ContentKey(string key, IReadOnlyList<KeyedEntry> entries, IReadOnlyList<KeyedSetting> settings, IReadOnlyList<LayerEntry> layerEntries, IReadOnlyList<ContentHash> contents, long hashedAtNs)
    {
        Key = key;
        Entries = entries;
        Settings = settings;
        _layerEntries = layerEntries;
        _contents = contents;
        _hashedAtNs = hashedAtNs;
    }

    /// <summary>32 lowercase hex characters.</summary>
    public string Key { get; }

    public IReadOnlyList<KeyedEntry> Entries { get; }

    public IReadOnlyList<KeyedSetting> Settings { get; }

    public int FileCount => Entries.Count(e => e.Hash is not null);

    public long TotalBytes => Entries.Sum(e => e.Size);

    /// <summary>Keys a publish directory and the container settings that shape its image.</summary>
    /// <param name="excludedFile">A file to leave out, such as the key file itself.</param>
    /// <param name="cache">Hashes of earlier publishes to reuse where a file cannot have changed; see <see cref="HashCache"/>.</param>
    public static ContentKey Compute(string publishDirectory, IEnumerable<ContainerSetting> settings, string? excludedFile = null, HashCache? cache = null)
    {
        // The hashing starts before the first stamp is read: see HashCache.
        long startedAtNs = cache?.Clock() ?? HashCache.NowNs();
        // Stamped even without a cache, where stamps can be read: they tell Rekey whether the files are still those hashed.
        IReadOnlyList<LayerEntry> entries = PublishDirectory.Enumerate(publishDirectory, excludedFile, stamp: true);
        ContentHash[] contents = FileHasher.HashAll(entries, cache, startedAtNs);
        return FromInputs(entries, contents, settings, startedAtNs);
    }

    internal static ContentKey FromInputs(IReadOnlyList<LayerEntry> entries, IReadOnlyList<ContentHash> contents, IEnumerable<ContainerSetting> settings, long hashedAtNs = 0)
    {
        var encoder = new CanonicalEncoder();
        encoder.WriteString(Magic);
        encoder.WriteUInt32(FormatVersion);

        var keyedEntries = new KeyedEntry[entries.Count];
        encoder.WriteUInt32((uint)entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            LayerEntry entry = entries[i];
            encoder.WriteByte((byte)entry.Kind);
            encoder.WriteString(entry.RelativePath);
            if (entry.HasContent)
            {
                ContentHash content = contents[i];
                encoder.WriteInt64(content.Length);
                encoder.WriteBytes(content.Hash);
                encoder.WriteByte(entry.Executable ? (byte)1 : (byte)0);
                keyedEntries[i] = new KeyedEntry(entry.RelativePath, entry.Kind, content.Length, Hex(content.Hash), entry.Executable, entry.Normalization);
            }
            else
            {
                keyedEntries[i] = new KeyedEntry(entry.RelativePath, entry.Kind, 0, null, executable: false, normalization: null);
            }
        }

        List<ContainerSetting> merged = Merge(settings);
        encoder.WriteUInt32((uint)merged.Count);
        foreach (ContainerSetting setting in merged)
        {
            Encode(encoder, setting);
        }

        string key = Hex(encoder.Hash());
        KeyedSetting[] keyedSettings = merged.Select(s => new KeyedSetting(s.Name, SettingHash(s, key), s)).ToArray();
        return new ContentKey(key, keyedEntries, keyedSettings, entries, contents, hashedAtNs);
    }

    /// <summary>
    /// The same files keyed with other settings, reading again only what may have changed since they
    /// were hashed, by the rule of <see cref="HashCache"/>: a file is not read again when its stamp
    /// (size, inode, change and modification times) is what it was when it was listed, and was
    /// safely older than the hashing (a file written just before could be written again in the
    /// same clock tick without its stamp moving). Null when the publish directory lists other
    /// entries than it did, or where stamps cannot be read: then the whole directory is keyed again.
    /// </summary>
    /// <param name="filesRead">How many files were read again.</param>
    public ContentKey? Rekey(string publishDirectory, IEnumerable<ContainerSetting> settings, string? excludedFile, out int filesRead)
    {
        filesRead = 0;
        if (!FileStamp.Supported || _layerEntries.Any(e => e.HasContent && e.Stamp is null))
        {
            return null;
        }

        IReadOnlyList<LayerEntry> now = PublishDirectory.Enumerate(publishDirectory, excludedFile, stamp: true);
        if (now.Count != _layerEntries.Count)
        {
            return null;
        }

        var changed = new List<int>();
        for (int i = 0; i < now.Count; i++)
        {
            LayerEntry then = _layerEntries[i];
            LayerEntry entry = now[i];
            if (entry.RelativePath != then.RelativePath || entry.Kind != then.Kind || entry.Executable != then.Executable)
            {
                return null;
            }

            if (entry.HasContent
                && !(entry.Stamp is FileStamp stamp
                     && stamp.Equals(then.Stamp!.Value)
                     && HashCache.ChangedBefore(stamp, _hashedAtNs)))
            {
                changed.Add(i);
            }
        }

        ContentHash[] contents = _contents.ToArray();
        ContentHash[] read = FileHasher.HashAll(changed.Select(i => now[i]).ToList());
        for (int k = 0; k < changed.Count; k++)
        {
            contents[changed[k]] = read[k];
        }

        filesRead = changed.Count;
        return FromInputs(now, contents, settings, _hashedAtNs);
    }

    /// <summary>
    /// The hash of a setting in a key file: HMAC-SHA256 of its encoding (name, count, values), keyed
    /// with the file's own key as a salt, cut to 16 bytes, in hex. Setting values, which may be
    /// secrets, never appear; and the same value hashes differently under every other key.
    /// </summary>
    public static string SettingHash(ContainerSetting setting, string salt)
    {
        var encoder = new CanonicalEncoder();
        Encode(encoder, setting);
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(salt));
        byte[] mac = hmac.ComputeHash(encoder.ToArray());
        return Hex(mac.Take(16).ToArray());
    }

    /// <summary>The unsalted setting hash of key file schema 1: XxHash128 of the encoding.</summary>
    internal static string LegacySettingHash(ContainerSetting setting)
    {
        var encoder = new CanonicalEncoder();
        Encode(encoder, setting);
        return Hex(encoder.Hash());
    }

    /// <summary>Settings sorted by name; repeated names keep all their values, in order.</summary>
    private static List<ContainerSetting> Merge(IEnumerable<ContainerSetting> settings) =>
        settings
            .GroupBy(s => s.Name, StringComparer.Ordinal)
            .Select(g => new ContainerSetting(g.Key, g.SelectMany(s => s.Values).ToArray()))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList();

    private static void Encode(CanonicalEncoder encoder, ContainerSetting setting)
    {
        encoder.WriteString(setting.Name);
        encoder.WriteUInt32((uint)setting.Values.Count);
        foreach (string value in setting.Values)
        {
            encoder.WriteString(value);
        }
    }

    internal static string Hex(byte[] bytes)
    {
        const string digits = "0123456789abcdef";
        char[] chars = new char[bytes.Length * 2];
        for (int i = 0; i < bytes.Length; i++)
        {
            chars[2 * i] = digits[bytes[i] >> 4];
            chars[2 * i + 1] = digits[bytes[i] & 0xF];
        }

        return new string(chars);
    }
}
