using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using ContainerCache.Diagnostics;

namespace ContainerCache.Keys;

/// <summary>
/// What changed between an earlier key file and a new key: files added, removed and changed by
/// path, settings by name. Names only: setting values are compared through their salted hashes.
/// </summary>
internal sealed class KeyChanges
{
    private const string BaseDigestSetting = "base.digest";

    private KeyChanges(string previousKey, string key)
    {
        PreviousKey = previousKey;
        Key = key;
    }

    public string PreviousKey { get; }
    public string Key { get; }

    public List<string> FilesAdded { get; } = new();
    public List<string> FilesRemoved { get; } = new();
    public List<string> FilesChanged { get; } = new();
    public List<string> SettingsAdded { get; } = new();
    public List<string> SettingsRemoved { get; } = new();
    public List<string> SettingsChanged { get; } = new();

    /// <summary>The key's encoding changed (a package update), so the key changed whatever the inputs.</summary>
    public bool FormatChanged { get; private set; }

    /// <summary>One side keyed the base image by name only, so its digest could not be compared.</summary>
    public bool BaseDigestNotCompared { get; private set; }

    public bool InputsUnchanged =>
        FilesAdded.Count + FilesRemoved.Count + FilesChanged.Count + SettingsAdded.Count + SettingsRemoved.Count + SettingsChanged.Count == 0 && !FormatChanged;

    /// <summary>Every change as one line: <c>file changed: app.dll</c>, <c>setting added: env:X</c>, ...</summary>
    public IEnumerable<string> Lines()
    {
        if (FormatChanged)
        {
            yield return "key format changed";
        }

        // Printed as they are by ContainerCacheExplain: a name must not start a line of its own.
        foreach (string path in FilesChanged) yield return "file changed: " + Printable.Of(path);
        foreach (string path in FilesAdded) yield return "file added: " + Printable.Of(path);
        foreach (string path in FilesRemoved) yield return "file removed: " + Printable.Of(path);
        foreach (string name in SettingsChanged) yield return "setting changed: " + Printable.Of(name);
        foreach (string name in SettingsAdded) yield return "setting added: " + Printable.Of(name);
        foreach (string name in SettingsRemoved) yield return "setting removed: " + Printable.Of(name);
    }

    /// <summary>No change: the earlier key file is the one this key would write.</summary>
    public static KeyChanges None(string key) => new(key, key);

    /// <param name="previousBaseDigest">The base image digest the earlier key covered (its key file's <c>baseImage.digest</c>), or null.</param>
    /// <param name="baseDigest">The base image digest the new key covers, or empty.</param>
    public static KeyChanges Compare(KeyFileContent previous, ContentKey current, string? baseDigest)
    {
        var changes = new KeyChanges(previous.Key, current.Key) { FormatChanged = previous.KeyFormatVersion != ContentKey.FormatVersion };

        var files = current.Entries.ToDictionary(e => e.Path, StringComparer.Ordinal);
        foreach (KeyedEntry entry in current.Entries)
        {
            if (!previous.Files.TryGetValue(entry.Path, out KeyedEntry? old))
            {
                changes.FilesAdded.Add(entry.Path);
            }
            else if (old.Kind != entry.Kind || old.Hash != entry.Hash || (entry.Hash is not null && (old.Size != entry.Size || old.Executable != entry.Executable)))
            {
                changes.FilesChanged.Add(entry.Path);
            }
        }

        changes.FilesRemoved.AddRange(previous.Files.Keys.Where(p => !files.ContainsKey(p)).OrderBy(p => p, StringComparer.Ordinal));

        bool compareBaseDigest = !string.IsNullOrEmpty(previous.BaseImageDigest) == !string.IsNullOrEmpty(baseDigest);
        changes.BaseDigestNotCompared = !compareBaseDigest;
        var names = current.Settings.ToDictionary(s => s.Name, StringComparer.Ordinal);
        foreach (KeyedSetting setting in current.Settings)
        {
            if (setting.Name == BaseDigestSetting && !compareBaseDigest)
            {
                continue;
            }

            if (!previous.Settings.TryGetValue(setting.Name, out string? oldHash))
            {
                changes.SettingsAdded.Add(setting.Name);
            }
            else if (oldHash != HashAsIn(previous, setting))
            {
                changes.SettingsChanged.Add(setting.Name);
            }
        }

        changes.SettingsRemoved.AddRange(previous.Settings.Keys.Where(n => !names.ContainsKey(n)).OrderBy(n => n, StringComparer.Ordinal));
        return changes;
    }

    /// <summary>A short fingerprint of a summary, to tell whether it was already reported.</summary>
    public static string Fingerprint(string summary) =>
        ContentKey.Hex(System.IO.Hashing.XxHash128.Hash(Encoding.UTF8.GetBytes(summary)));

    /// <summary>A short summary: each kind of change with its first few names and a count.</summary>
    public string Summary(string since, int namesPerKind = 5)
    {
        if (InputsUnchanged)
        {
            return Key == PreviousKey
                ? $"key unchanged since {since}."
                : BaseDigestNotCompared
                    ? $"no input changed since {since}, the base image aside: its digest is compared when an image is built."
                    : $"no input changed since {since}.";
        }

        var text = new StringBuilder($"changed since {since} (key {Printable.Of(PreviousKey)} then):");
        if (FormatChanged)
        {
            text.Append("\n    the key's format (a ContainerCache update): every key changes once");
        }

        Append(text, "files changed", FilesChanged, namesPerKind);
        Append(text, "files added", FilesAdded, namesPerKind);
        Append(text, "files removed", FilesRemoved, namesPerKind);
        Append(text, "settings changed", SettingsChanged, namesPerKind);
        Append(text, "settings added", SettingsAdded, namesPerKind);
        Append(text, "settings removed", SettingsRemoved, namesPerKind);
        return text.ToString();
    }

    private static void Append(StringBuilder text, string kind, List<string> names, int limit)
    {
        if (names.Count == 0)
        {
            return;
        }

        text.Append("\n    ").Append(kind).Append(" (").Append(names.Count).Append("): ").Append(string.Join(", ", names.Take(limit).Select(Printable.Of)));
        if (names.Count > limit)
        {
            text.Append(", and ").Append(names.Count - limit).Append(" more");
        }
    }

    private static string HashAsIn(KeyFileContent previous, KeyedSetting setting) =>
        previous.SchemaVersion == 1 ? ContentKey.LegacySettingHash(setting.Setting) : ContentKey.SettingHash(setting.Setting, previous.Key);
}
