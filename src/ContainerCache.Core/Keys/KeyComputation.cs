using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using ContainerCache.Diagnostics;
using ContainerCache.Hashing;
using ContainerCache.PublishOutput;

namespace ContainerCache.Keys;

/// <summary>How loud a message of the computation is; the task maps it to MSBuild's importance.</summary>
internal enum KeyNoteImportance
{
    Low,
    Normal,
    High,
}

/// <summary>
/// The key computations of a build: after a publish (<see cref="Run"/>), and an image's key
/// derived from it by the base image's digest (<see cref="WithBaseDigest"/>). Each sets the
/// last publish's key aside or reuses it, keys the publish directory and the settings, writes the
/// key file, and compares it with the baseline. Every message it has for the build log is in the
/// result; bad input is a <see cref="ContainerCacheException"/>.
/// </summary>
internal static class KeyComputation
{
    /// <summary>The bound on a baseline read whole (it is parsed into memory): a key file of 20,000 files is a few MiB.</summary>
    public const int MaxBaselineBytes = 32 << 20;

    /// <summary>
    /// The key after a publish: sets the last publish's key aside as the baseline, keys the
    /// publish directory, writes the key file, and says what changed.
    /// </summary>
    /// <param name="request">What the key is computed from.</param>
    /// <param name="resolveBaseDigest">Resolves the base image's tag to a digest ("" when it cannot); null keys the base by name.</param>
    /// <exception cref="ContainerCacheException">Bad input, named.</exception>
    public static KeyResult Run(KeyRequest request, Func<ImageSettings, string>? resolveBaseDigest)
    {
        CheckTagPrefix(request.TagPrefix);
        var notes = new List<KeyNote>();
        SetAsideLastKey(request);
        bool hasBaseline = HasBaseline(request, notes);
        ImageSettings settings = request.Settings;
        if (settings.BaseDigest.Length == 0 && resolveBaseDigest is not null)
        {
            settings = settings.WithBaseDigest(resolveBaseDigest(settings));
        }

        return Key(request, hasBaseline, settings, publishKey: null, notes);
    }

    /// <summary>
    /// The image's key: the key of <paramref name="publishKey"/>, which named the base image only,
    /// with the digest its tag resolves to. The same entries, not read again unless the publish
    /// directory changed since (see <see cref="ContentKey.Rekey"/>); written to the same key file,
    /// explained against the same baseline, and the changes said only if they differ from what the
    /// publish's key said. Without a digest, or when the publish's key had one, it is that key.
    /// </summary>
    /// <exception cref="ContainerCacheException">Bad input, named.</exception>
    public static KeyResult WithBaseDigest(KeyResult publishKey, string baseDigest)
    {
        if (baseDigest.Length == 0 || publishKey.BaseDigest.Length > 0)
        {
            return publishKey;
        }

        return Key(publishKey.Request, publishKey.HasBaseline, publishKey.Settings.WithBaseDigest(baseDigest), publishKey, new List<KeyNote>());
    }

    private static KeyResult Key(KeyRequest request, bool hasBaseline, ImageSettings settings, KeyResult? publishKey, List<KeyNote> notes)
    {
        string baseDigest = settings.BaseDigest;
        bool digestGiven = request.Settings.BaseDigest.Length > 0;
        var stopwatch = Stopwatch.StartNew();
        HashCache? cache = null;
        int filesRead = 0;
        ContentKey? key = publishKey?.Key.Rekey(request.PublishDirectory, settings.ToSettings(), request.KeyFile, out filesRead);
        if (key is null)
        {
            cache = request.HashCacheFile.Length == 0 || !HashCache.Supported ? null : HashCache.Open(request.HashCacheFile);
            key = ContentKey.Compute(request.PublishDirectory, settings.ToSettings(), excludedFile: request.KeyFile, cache);
            if (publishKey is not null)
            {
                notes.Add(new KeyNote(KeyNoteImportance.Low, "the publish directory lists other files than when the key after Publish was computed (or their stamps cannot be read), so it was keyed again."));
            }
        }
        else
        {
            notes.Add(new KeyNote(KeyNoteImportance.Low, $"the image's key: the key after Publish with the base image's digest; {filesRead} of its files read again (changed since, or written just before they were hashed)."));
        }

        string baseImage = settings.BaseRepository.Length == 0 ? "" : settings.BaseRegistry + "/" + settings.BaseRepository + (settings.BaseTag.Length == 0 ? "" : ":" + settings.BaseTag);
        StringBuilder keyFileContent = KeyFile.SerializeText(key, baseImage, baseDigest.Length == 0 ? null : baseDigest);
        KeyChanges? changes = hasBaseline ? CompareWithBaseline(request, keyFileContent, key, baseDigest, notes) : null;
        bool written = KeyFile.WriteIfChanged(
            request.KeyFile, keyFileContent, request.TemporaryDirectory.Length > 0 ? request.TemporaryDirectory : Path.GetTempPath(), "ContainerCacheKeyFile");
        if (request.LastKeyFile.Length > 0)
        {
            KeyFile.WriteIfChanged(request.LastKeyFile, keyFileContent, name: "The key file's copy in obj/ (IntermediateOutputPath)");
        }

        string? cacheUnwritable = cache?.Save();
        stopwatch.Stop();

        notes.Add(new KeyNote(
            KeyNoteImportance.High,
            string.Format(
                CultureInfo.InvariantCulture,
                "key {0} ({1} files, {2}, {3}{4} ms){5}{6}",
                key.Key,
                key.FileCount,
                FormatBytes(key.TotalBytes),
                cache is not null ? $"{cache.Hashed} read, " : publishKey is not null ? $"{filesRead} read, " : "",
                stopwatch.ElapsedMilliseconds,
                settings.RuntimeIdentifier.Length == 0 ? "" : " for " + Printable.Of(settings.RuntimeIdentifier),
                baseDigest.Length == 0 || digestGiven ? "" : $", base image {Printable.Of(baseImage)} at {Printable.Of(baseDigest.Substring(0, 19))}")));
        notes.Add(new KeyNote(KeyNoteImportance.Low, $"key file {Printable.Of(request.KeyFile)} {(written ? "written" : "unchanged")}"));
        if (cache is not null)
        {
            notes.Add(new KeyNote(
                KeyNoteImportance.Low,
                $"{cache.Hashed} files read, {cache.Reused} unchanged since they were hashed (size, inode, change and modification times){(cache.IgnoredBecause is null ? "" : $"; the hash cache {Printable.Of(request.HashCacheFile)} was not used: {Printable.Of(cache.IgnoredBecause)}")}"));
            if (cacheUnwritable is not null)
            {
                notes.Add(new KeyNote(KeyNoteImportance.Normal, Printable.Of(cacheUnwritable)));
            }
        }

        string fingerprint = Explain(request, changes, publishKey?.ChangesFingerprint ?? "", notes);
        return new KeyResult(request, hasBaseline, key, request.TagPrefix + key.Key, settings, changes, fingerprint, notes);
    }

    /// <summary>Checked before anything is touched: with any key, the prefix must make a valid tag.</summary>
    /// <exception cref="ContainerCacheException">CONTAINERCACHE1004.</exception>
    public static void CheckTagPrefix(string prefix)
    {
        if (!ImageTag.IsValid(prefix + new string('0', 32)))
        {
            throw new ContainerCacheException(DiagnosticMessages.TagPrefixInvalid.With(prefix));
        }
    }

    /// <summary>
    /// Copies the last publish's key to <see cref="KeyRequest.PreviousKeyFile"/>, or deletes that when
    /// there is none. Only regular files are opened: a FIFO in the key file's place would block a copy.
    /// </summary>
    private static void SetAsideLastKey(KeyRequest request)
    {
        string previous = request.PreviousKeyFile;
        if (previous.Length == 0)
        {
            return;
        }

        static bool IsRegularFile(string path) => path.Length > 0 && File.Exists(path) && SmallFile.SpecialType(path) is null;
        string? last = IsRegularFile(request.LastKeyFile) ? request.LastKeyFile : IsRegularFile(request.KeyFile) ? request.KeyFile : null;
        try
        {
            if (Directory.Exists(previous) || (File.Exists(previous) && !IsRegularFile(previous)))
            {
                throw new IOException("something other than a file is in its place; delete it (the package keeps a file there).");
            }

            if (last is null)
            {
                // Not File.Delete alone: it fails when the folder is not there yet (obj/ of a build that has not built).
                if (File.Exists(previous))
                {
                    File.Delete(previous);
                }

                return;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(previous)!);
            File.Copy(last, previous, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ContainerCacheException(DiagnosticMessages.LastKeyCopyUnwritable.With(previous, e.Message));
        }
    }

    /// <summary>Whether there is a baseline to explain the key against; a named one must exist.</summary>
    private static bool HasBaseline(KeyRequest request, List<KeyNote> notes)
    {
        string baseline = request.Baseline;
        if (baseline.Length == 0)
        {
            return false;
        }

        if (!File.Exists(baseline))
        {
            if (request.BaselineIsExplicit)
            {
                BaselineUnreadable(request, new FileNotFoundException($"Could not find file '{baseline}'."), notes);
            }

            return false;
        }

        // Never opened unless it is a regular file: a FIFO would block the build, a device feed it forever.
        if (SmallFile.SpecialType(baseline) is string type)
        {
            BaselineUnreadable(request, new IOException($"It is {type}, not a regular file, so it is not opened."), notes);
            return false;
        }

        return true;
    }

    private static KeyChanges? CompareWithBaseline(KeyRequest request, StringBuilder keyFileContent, ContentKey key, string baseDigest, List<KeyNote> notes)
    {
        KeyFileContent baseline;
        try
        {
            // A key file carries no timestamps: the same text means the same key from the same
            // inputs, and there is nothing to explain (nor to parse).
            if (KeyFile.HasContent(request.Baseline, keyFileContent))
            {
                return KeyChanges.None(key.Key);
            }

            string text = SmallFile.ReadAllText(request.Baseline, MaxBaselineBytes) ?? throw new ContainerCacheException(DiagnosticMessages.KeyFileTooLarge.With(
                request.BaselineIsExplicit ? "ContainerCacheBaseline" : "The last publish's key file",
                request.Baseline,
                SmallFile.Describe(MaxBaselineBytes)));
            baseline = KeyFile.Read(text);
        }
        catch (ContainerCacheException e) when (!request.BaselineIsExplicit)
        {
            // Only an explanation is lost: the key stands without it.
            notes.Add(new KeyNote(KeyNoteImportance.Normal, Printable.Of(e.Message)));
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            BaselineUnreadable(request, e, notes);
            return null;
        }

        return KeyChanges.Compare(baseline, key, baseDigest);
    }

    /// <summary>An explicit baseline must be readable (CONTAINERCACHE1008); the last publish's key file need not be.</summary>
    private static void BaselineUnreadable(KeyRequest request, Exception e, List<KeyNote> notes)
    {
        if (request.BaselineIsExplicit)
        {
            throw new ContainerCacheException(DiagnosticMessages.BaselineUnreadable.With(request.Baseline, e.Message));
        }

        notes.Add(new KeyNote(KeyNoteImportance.Normal, $"the last publish's key file cannot be compared with ({Printable.Of(e.Message)})."));
    }

    /// <summary>Says what changed, unless an earlier key of this build said the same; returns the fingerprint of what was said.</summary>
    private static string Explain(KeyRequest request, KeyChanges? changes, string reportedChanges, List<KeyNote> notes)
    {
        if (changes is null)
        {
            notes.Add(new KeyNote(KeyNoteImportance.Low, "no earlier key file to compare with."));
            return "";
        }

        string summary = changes.Summary(request.BaselineIsExplicit ? $"the baseline {Printable.Of(request.Baseline)}" : "the last publish");
        string fingerprint = KeyChanges.Fingerprint(summary);
        if (fingerprint != reportedChanges)
        {
            // A key by the base's name that differs only because the last one covered its digest: nothing the user changed.
            bool onlyUnresolvedBase = changes.InputsUnchanged && changes.Key != changes.PreviousKey;
            notes.Add(new KeyNote(onlyUnresolvedBase ? KeyNoteImportance.Normal : KeyNoteImportance.High, summary));
        }

        return fingerprint;
    }

    private static string FormatBytes(long bytes) =>
        bytes < 1024 * 1024
            ? (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB"
            : (bytes / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";
}
