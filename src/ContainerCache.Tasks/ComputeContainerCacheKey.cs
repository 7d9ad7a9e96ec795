using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using ContainerCache.Registry;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ContainerCache.Tasks;

/// <summary>
/// Computes the content key of a publish directory and the container settings the SDK writes
/// into its image, writes the key file and returns the key and the image tag.
/// </summary>
public sealed class ComputeContainerCacheKey : ContainerCacheTask
{
    [Required]
    public string PublishDirectory { get; set; } = "";

    [Required]
    public string KeyFile { get; set; } = "";

    public string TagPrefix { get; set; } = "";

    /// <summary>
    /// Resolve a base image given by tag to its digest at its registry, so that a base re-pushed
    /// under the same tag gives another key. When the registry cannot answer: a warning, and the
    /// key is computed from the reference.
    /// </summary>
    public bool ResolveBaseImage { get; set; }

    /// <summary>The registry images are pushed to: when the base is there too, the SDK's push credentials apply.</summary>
    public string OutputRegistry { get; set; } = "";

    /// <summary>An earlier key file to explain the key against; by default, the key file as the last publish left it.</summary>
    public string Baseline { get; set; } = "";

    /// <summary>True when the user named the baseline (ContainerCacheBaseline): then it must exist and be readable.</summary>
    public bool BaselineIsExplicit { get; set; }

    /// <summary>A second copy of the key file, kept in obj/ so that the next publish can explain itself even when bin/ is gone.</summary>
    public string LastKeyFile { get; set; } = "";

    /// <summary>
    /// Where to set aside, before anything is written, the key the last publish left (the obj/ copy,
    /// else the key file), as the baseline of this build's keys. Given to the first computation of a
    /// build only; empty otherwise.
    /// </summary>
    public string PreviousKeyFile { get; set; } = "";

    /// <summary>
    /// Where the key file is written before it is renamed into place (obj/); by default the system's
    /// temporary folder. Never beside it: a build killed before the rename would leave a file in the
    /// publish directory, and every later image would ship it.
    /// </summary>
    public string TemporaryDirectory { get; set; } = "";

    /// <summary>
    /// Where to keep the content hashes between publishes, so that files that cannot have changed
    /// are not read again (see <see cref="HashCache"/>); empty hashes every file every time.
    /// </summary>
    public string HashCacheFile { get; set; } = "";

    /// <summary>The <see cref="Changes"/> an earlier computation in this build already reported, so as not to repeat it.</summary>
    public string ReportedChanges { get; set; } = "";

    /// <summary>
    /// Look for files in the publish directory that this publish did not produce (see
    /// <see cref="StaleFiles"/>): true only in the first computation after a publish, so that a
    /// container publish, which keys twice, warns once.
    /// </summary>
    public bool FindStaleFiles { get; set; }

    /// <summary>The files this publish produced: its items' destinations and the files the build wrote.</summary>
    public ITaskItem[] ProducedFiles { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>When the build started, in UTC ticks: a file written since then is this build's.</summary>
    public string BuildStarted { get; set; } = "";

    /// <summary>Delete the stale files before the key is computed (ContainerCachePruneStaleFiles), instead of warning.</summary>
    public bool PruneStaleFiles { get; set; }

    public string BaseRegistry { get; set; } = "";
    public string BaseImageName { get; set; } = "";
    public string BaseImageTag { get; set; } = "";
    public string BaseImageDigest { get; set; } = "";
    public string ContainerRuntimeIdentifier { get; set; } = "";
    public string ImageFormat { get; set; } = "";
    public string WorkingDirectory { get; set; } = "";
    public string ContainerUser { get; set; } = "";
    public string AppCommandInstruction { get; set; } = "";
    public string SdkVersion { get; set; } = "";
    public string GenerateLabels { get; set; } = "";
    public string GenerateDigestLabel { get; set; } = "";
    public ITaskItem[] Entrypoint { get; set; } = Array.Empty<ITaskItem>();
    public ITaskItem[] EntrypointArgs { get; set; } = Array.Empty<ITaskItem>();
    public ITaskItem[] AppCommand { get; set; } = Array.Empty<ITaskItem>();
    public ITaskItem[] AppCommandArgs { get; set; } = Array.Empty<ITaskItem>();
    public ITaskItem[] DefaultArgs { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Label items; the value is in <c>Value</c> metadata.</summary>
    public ITaskItem[] Labels { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Port items; the protocol is in <c>Type</c> metadata.</summary>
    public ITaskItem[] ExposedPorts { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Environment variable items; the value is in <c>Value</c> metadata.</summary>
    public ITaskItem[] EnvironmentVariables { get; set; } = Array.Empty<ITaskItem>();

    [Output]
    public string Key { get; private set; } = "";

    [Output]
    public string Tag { get; private set; } = "";

    /// <summary>The base image's digest that went into the key: given, resolved, or empty.</summary>
    [Output]
    public string BaseDigest { get; private set; } = "";

    /// <summary>A fingerprint of the changes reported against the baseline.</summary>
    [Output]
    public string Changes { get; private set; } = "";

    /// <summary>The baseline's path as messages print it: control characters escaped (see <see cref="Printable"/>).</summary>
    [Output]
    public string BaselineShown { get; private set; } = "";

    /// <summary>Every change against the baseline, one item each: <c>file changed: app.dll</c>, <c>setting added: env:X</c>.</summary>
    [Output]
    public ITaskItem[] ChangedInputs { get; private set; } = Array.Empty<ITaskItem>();

    protected override void ExecuteCore()
    {
        LogInput(nameof(PublishDirectory), PublishDirectory);
        LogInput(nameof(KeyFile), KeyFile);

        string tag = TagPrefix + new string('0', 32);
        if (!ImageTag.IsValid(tag))
        {
            throw new ContainerCacheException(
                DiagnosticCodes.InvalidTag,
                $"ContainerCacheTagPrefix '{TagPrefix}' does not make a valid image tag: a tag is 1 to 128 letters, digits, '_', '.' or '-', and does not start with '.' or '-'. With the 32-character key, the prefix may be at most 96 characters.");
        }

        if (FindStaleFiles)
        {
            HandleStaleFiles();
        }

        SetAsideLastKey();
        bool hasBaseline = HasBaseline();
        string baseDigest = BaseImageDigest.Length > 0 || !ResolveBaseImage ? BaseImageDigest : ResolveBaseDigest();
        var settings = new ImageSettings
        {
            BaseRegistry = BaseRegistry,
            BaseRepository = BaseImageName,
            BaseTag = BaseImageTag,
            BaseDigest = baseDigest,
            RuntimeIdentifier = ContainerRuntimeIdentifier,
            ImageFormat = ImageFormat,
            WorkingDirectory = WorkingDirectory,
            User = ContainerUser,
            AppCommandInstruction = AppCommandInstruction,
            SdkVersion = SdkVersion,
            GenerateLabels = GenerateLabels,
            GenerateBaseDigestLabel = GenerateDigestLabel,
            Entrypoint = Specs(Entrypoint),
            EntrypointArgs = Specs(EntrypointArgs),
            AppCommand = Specs(AppCommand),
            AppCommandArgs = Specs(AppCommandArgs),
            DefaultArgs = Specs(DefaultArgs),
            Labels = Pairs(Labels, "Value"),
            EnvironmentVariables = Pairs(EnvironmentVariables, "Value"),
            Ports = Pairs(ExposedPorts, "Type"),
        };

        var stopwatch = Stopwatch.StartNew();
        LogInput(nameof(HashCacheFile), HashCacheFile);
        HashCache? cache = HashCacheFile.Length == 0 || !HashCache.Supported ? null : HashCache.Open(HashCacheFile);
        ContentKey key = ContentKey.Compute(PublishDirectory, settings.ToSettings(), excludedFile: KeyFile, cache);
        string baseImage = BaseImageName.Length == 0 ? "" : BaseRegistry + "/" + BaseImageName + (BaseImageTag.Length == 0 ? "" : ":" + BaseImageTag);
        StringBuilder keyFileContent = ContainerCache.KeyFile.SerializeText(key, baseImage, baseDigest.Length == 0 ? null : baseDigest);
        KeyChanges? changes = hasBaseline ? CompareWithBaseline(keyFileContent, key, baseDigest) : null;
        bool written = ContainerCache.KeyFile.WriteIfChanged(
            KeyFile, keyFileContent, TemporaryDirectory.Length > 0 ? TemporaryDirectory : Path.GetTempPath(), "ContainerCacheKeyFile");
        if (LastKeyFile.Length > 0)
        {
            ContainerCache.KeyFile.WriteIfChanged(LastKeyFile, keyFileContent, name: "The key file's copy in obj/ (IntermediateOutputPath)");
        }
        string? cacheUnwritable = cache?.Save();
        stopwatch.Stop();

        Key = key.Key;
        Tag = TagPrefix + key.Key;
        BaseDigest = baseDigest;
        KeyInputs.Remember(BuildEngine, key.Key, settings);
        Log.LogMessage(
            MessageImportance.High,
            "ContainerCache: key {0} ({1} files, {2}, {3}{4} ms){5}{6}",
            key.Key,
            key.FileCount,
            FormatBytes(key.TotalBytes),
            cache is null ? "" : $"{cache.Hashed} read, ",
            stopwatch.ElapsedMilliseconds,
            string.IsNullOrEmpty(ContainerRuntimeIdentifier) ? "" : " for " + Printable.Of(ContainerRuntimeIdentifier),
            baseDigest.Length == 0 || BaseImageDigest.Length > 0 ? "" : $", base image {Printable.Of(baseImage)} at {Printable.Of(baseDigest.Substring(0, 19))}");
        Log.LogMessage(MessageImportance.Low, "ContainerCache: key file {0} {1}", Printable.Of(KeyFile), written ? "written" : "unchanged");
        if (cache is not null)
        {
            Log.LogMessage(
                MessageImportance.Low,
                "ContainerCache: {0} files read, {1} unchanged since they were hashed (size, inode, change and modification times){2}",
                cache.Hashed,
                cache.Reused,
                cache.IgnoredBecause is null ? "" : $"; the hash cache {Printable.Of(HashCacheFile)} was not used: {Printable.Of(cache.IgnoredBecause)}");
            if (cacheUnwritable is not null)
            {
                Log.LogMessage(MessageImportance.Normal, "ContainerCache: " + Printable.Of(cacheUnwritable));
            }
        }

        Explain(changes);
    }

    /// <summary>Warns of the files an earlier publish left in the publish directory, or deletes them.</summary>
    private void HandleStaleFiles()
    {
        LogInput(nameof(BuildStarted), BuildStarted);
        LogInput(nameof(PruneStaleFiles), PruneStaleFiles ? "true" : "false");
        if (!long.TryParse(BuildStarted, NumberStyles.None, CultureInfo.InvariantCulture, out long ticks) || ticks <= 0 || ticks > DateTime.MaxValue.Ticks)
        {
            // Without it, a file a target of this build wrote could be called stale.
            Log.LogMessage(MessageImportance.Low, "ContainerCache: the build's start is not known, so stale files are not looked for.");
            return;
        }

        IReadOnlyList<LayerEntry> entries = ContainerCache.PublishDirectory.Enumerate(PublishDirectory, excludedFile: KeyFile);
        IReadOnlyList<LayerEntry> stale = StaleFiles.Find(entries, PublishDirectory, ProducedFiles.Select(f => f.ItemSpec), new DateTime(ticks, DateTimeKind.Utc));
        Log.LogMessage(
            MessageImportance.Low,
            "ContainerCache: {0} of the {1} files in the publish directory not produced by this publish ({2} destinations and files written given)",
            stale.Count,
            entries.Count(e => e.HasContent),
            ProducedFiles.Length);
        if (stale.Count == 0)
        {
            return;
        }

        if (!PruneStaleFiles)
        {
            LogWarning(
                DiagnosticCodes.StaleFiles,
                $"{Count(stale.Count)} in the publish directory {(stale.Count == 1 ? "was" : "were")} not produced by this publish (an earlier publish left {(stale.Count == 1 ? "it" : "them")}, or {(stale.Count == 1 ? "it was" : "they were")} put there from outside): {Names(stale.Select(e => e.RelativePath).ToList())}. {(stale.Count == 1 ? "It ships" : "They ship")} in the image; set ContainerCachePruneStaleFiles=true to delete them before the key is computed, or publish into a clean directory.");
            return;
        }

        var (deleted, failed) = StaleFiles.Prune(PublishDirectory, stale);
        if (deleted.Count > 0)
        {
            Log.LogMessage(MessageImportance.Normal, "ContainerCache: deleted {0} an earlier publish left: {1}", Count(deleted.Count), Printable.Of(string.Join(", ", deleted)));
        }

        if (failed.Count > 0)
        {
            LogWarning(
                DiagnosticCodes.StaleFiles,
                $"{Count(failed.Count)} in the publish directory not produced by this publish could not be deleted, and {(failed.Count == 1 ? "ships" : "ship")} in the image: {string.Join("; ", failed.Take(NamesShown).Select(f => $"'{f.Key}': {f.Value}"))}{(failed.Count > NamesShown ? $"; and {failed.Count - NamesShown} more" : "")}. Delete them, or publish into a clean directory.");
        }
    }

    /// <summary>How many stale files the warning names; the count says how many there are.</summary>
    public const int NamesShown = 5;

    private static string Count(int files) => files == 1 ? "1 file" : files.ToString(CultureInfo.InvariantCulture) + " files";

    private static string Names(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(NamesShown)) + (names.Count > NamesShown ? $" and {names.Count - NamesShown} more" : "");

    /// <summary>
    /// Copies the last publish's key to <see cref="PreviousKeyFile"/>, or deletes that when there is
    /// none. Only regular files are opened: a FIFO in the key file's place would block a copy.
    /// </summary>
    private void SetAsideLastKey()
    {
        if (PreviousKeyFile.Length == 0)
        {
            return;
        }

        static bool IsRegularFile(string path) => path.Length > 0 && File.Exists(path) && SmallFile.SpecialType(path) is null;
        string? last = IsRegularFile(LastKeyFile) ? LastKeyFile : IsRegularFile(KeyFile) ? KeyFile : null;
        try
        {
            if (Directory.Exists(PreviousKeyFile) || (File.Exists(PreviousKeyFile) && !IsRegularFile(PreviousKeyFile)))
            {
                throw new IOException("something other than a file is in its place; delete it (the package keeps a file there).");
            }

            if (last is null)
            {
                File.Delete(PreviousKeyFile);
                return;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(PreviousKeyFile)!);
            File.Copy(last, PreviousKeyFile, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ContainerCacheException(
                DiagnosticCodes.KeyFileUnwritable,
                $"The copy of the last key file '{Printable.Of(PreviousKeyFile)}' cannot be written: {Printable.Of(e.Message)}");
        }
    }

    /// <summary>Whether there is a baseline to explain the key against; a named one must exist.</summary>
    private bool HasBaseline()
    {
        LogInput(nameof(Baseline), Baseline);
        BaselineShown = Printable.Of(Baseline);
        if (Baseline.Length == 0)
        {
            return false;
        }

        if (!File.Exists(Baseline))
        {
            if (BaselineIsExplicit)
            {
                BaselineUnreadable(new FileNotFoundException($"Could not find file '{Baseline}'."));
            }

            return false;
        }

        // Never opened unless it is a regular file: a FIFO would block the build, a device feed it forever.
        if (SmallFile.SpecialType(Baseline) is string type)
        {
            BaselineUnreadable(new IOException($"It is {type}, not a regular file, so it is not opened."));
            return false;
        }

        return true;
    }

    private KeyChanges? CompareWithBaseline(StringBuilder keyFileContent, ContentKey key, string baseDigest)
    {
        KeyFileContent baseline;
        try
        {
            // A key file carries no timestamps: the same text means the same key from the same
            // inputs, and there is nothing to explain (nor to parse).
            if (ContainerCache.KeyFile.HasContent(Baseline, keyFileContent))
            {
                return KeyChanges.None(key.Key);
            }

            string text = SmallFile.ReadAllText(Baseline, MaxBaselineBytes) ?? throw new ContainerCacheException(
                DiagnosticCodes.FileTooLarge,
                $"{(BaselineIsExplicit ? "ContainerCacheBaseline" : "The last publish's key file")} '{Printable.Of(Baseline)}' is larger than {SmallFile.Describe(MaxBaselineBytes)}, the most ContainerCache reads of a key file (one of 20,000 files is a few MiB), so it is not compared.");
            baseline = ContainerCache.KeyFile.Read(text);
        }
        catch (ContainerCacheException e) when (!BaselineIsExplicit)
        {
            // Only an explanation is lost: the key stands without it.
            Log.LogMessage(MessageImportance.Normal, "ContainerCache: " + Printable.Of(e.Message));
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            BaselineUnreadable(e);
            return null;
        }

        return KeyChanges.Compare(baseline, key, baseDigest);
    }

    /// <summary>The bound on a baseline read whole (it is parsed into memory): a key file of 20,000 files is a few MiB.</summary>
    public const int MaxBaselineBytes = 32 << 20;

    /// <summary>An explicit baseline must be readable (CONTAINERCACHE1008); the last publish's key file need not be.</summary>
    private void BaselineUnreadable(Exception e)
    {
        if (BaselineIsExplicit)
        {
            throw new ContainerCacheException(
                DiagnosticCodes.BaselineUnreadable,
                $"ContainerCacheBaseline '{Printable.Of(Baseline)}' cannot be read as a key file: {Printable.Of(e.Message)}");
        }

        Log.LogMessage(MessageImportance.Normal, "ContainerCache: the last publish's key file cannot be compared with ({0}).", Printable.Of(e.Message));
    }

    private void Explain(KeyChanges? changes)
    {
        if (changes is null)
        {
            Log.LogMessage(MessageImportance.Low, "ContainerCache: no earlier key file to compare with.");
            return;
        }

        string[] lines = changes.Lines().ToArray();
        ChangedInputs = lines.Select(l => (ITaskItem)new TaskItem(l)).ToArray();
        string summary = changes.Summary(BaselineIsExplicit ? $"the baseline {Printable.Of(Baseline)}" : "the last publish");
        Changes = KeyChanges.Fingerprint(summary);
        if (Changes == ReportedChanges)
        {
            return;
        }

        bool onlyUnresolvedBase = changes.InputsUnchanged && changes.Key != changes.PreviousKey;
        Log.LogMessage(onlyUnresolvedBase ? MessageImportance.Normal : MessageImportance.High, "ContainerCache: " + summary);
    }

    private string ResolveBaseDigest()
    {
        if (BaseRegistry.Length == 0 || BaseImageName.Length == 0)
        {
            return "";
        }

        // The SDK parsed these from ContainerBaseImage; checked again before they go into a URL.
        RequireRegistry(BaseRegistry, "ContainerBaseImage's registry");
        RequireRepository(BaseImageName, "ContainerBaseImage's repository");
        string reference = BaseImageTag.Length == 0 ? "latest" : BaseImageTag;
        if (!ImageTag.IsValid(reference))
        {
            throw new ContainerCacheException(DiagnosticCodes.InvalidPropertyValue, $"ContainerBaseImage's tag '{reference}' is not a valid image tag.");
        }

        string image = $"{BaseRegistry}/{BaseImageName}:{reference}";
        try
        {
            using RegistryClient client = CreateBaseImageClient(BaseRegistry, OutputRegistry);
            Manifest manifest = client.GetManifestAsync(BaseImageName, reference).GetAwaiter().GetResult()
                ?? throw new RegistryException($"{BaseRegistry} has no image {BaseImageName}:{reference}");
            Log.LogMessage(MessageImportance.Normal, "ContainerCache: base image {0} is {1}", Printable.Of(image), Printable.Of(manifest.Digest));
            return manifest.Digest;
        }
        catch (RegistryException e)
        {
            LogWarning(
                DiagnosticCodes.BaseImageUnresolved,
                $"The base image {image} could not be resolved to a digest, so the key covers its name only, and a base re-pushed under the same tag would not change it: {e.Message}");
            return "";
        }
    }

    private static string[] Specs(ITaskItem[] items) => items.Select(i => i.ItemSpec).ToArray();

    private static KeyValuePair<string, string>[] Pairs(ITaskItem[] items, string metadata) =>
        items.Select(i => new KeyValuePair<string, string>(i.ItemSpec, i.GetMetadata(metadata))).ToArray();

    private static string FormatBytes(long bytes) =>
        bytes < 1024 * 1024
            ? (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB"
            : (bytes / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";
}
