using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using ContainerCache.Diagnostics;
using ContainerCache.Keys;
using ContainerCache.PublishOutput;
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
    /// <summary>
    /// Everything the key reads from the SDK, one item each, as _ContainerCacheCollectInputs lists it:
    /// <c>Setting</c> names the key setting it feeds. A property's item is named after the property,
    /// with its value in <c>Value</c>; an item's items are the SDK's items themselves (<c>From</c>
    /// names them), with the SDK's metadata (a label's or a variable's <c>Value</c>, a port's <c>Type</c>).
    /// </summary>
    [Required]
    public ITaskItem[] Inputs { get; set; } = Array.Empty<ITaskItem>();

    [Required]
    public string KeyFile { get; set; } = "";

    public string TagPrefix { get; set; } = "";

    /// <summary>
    /// Resolve a base image given by tag to its digest at its registry, so that a base re-pushed
    /// under the same tag gives another key. When the registry cannot answer: a warning, and the
    /// key is computed from the reference.
    /// </summary>
    public bool ResolveBaseImage { get; set; }

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

    private InputList _inputs = null!;

    private string PublishDirectory => _inputs.PublishDirectory;

    protected override void ExecuteCore()
    {
        _inputs = new InputList(Inputs, LogInput);
        if (PublishDirectory.Length == 0)
        {
            throw new InvalidOperationException("The key's inputs name no publish directory.");
        }

        LogInput("ContainerCacheKeyFile", KeyFile);
        LogInput("ContainerCacheTagPrefix", TagPrefix);
        LogInput("ResolveBaseImage", ResolveBaseImage ? "true" : "false");

        LogInput(nameof(HashCacheFile), HashCacheFile);
        LogInput(nameof(Baseline), Baseline);
        BaselineShown = Printable.Of(Baseline);
        KeyComputation.CheckTagPrefix(TagPrefix);
        if (FindStaleFiles)
        {
            HandleStaleFiles();
        }

        KeyResult result = KeyComputation.Run(
            new KeyRequest
            {
                PublishDirectory = PublishDirectory,
                KeyFile = KeyFile,
                LastKeyFile = LastKeyFile,
                PreviousKeyFile = PreviousKeyFile,
                TemporaryDirectory = TemporaryDirectory,
                HashCacheFile = HashCacheFile,
                TagPrefix = TagPrefix,
                Settings = _inputs.Settings(),
                Baseline = Baseline,
                BaselineIsExplicit = BaselineIsExplicit,
                ReportedChanges = ReportedChanges,
            },
            ResolveBaseImage ? ResolveBaseDigest : null);

        foreach (KeyNote note in result.Notes)
        {
            MessageImportance importance = note.Importance switch
            {
                KeyNoteImportance.High => MessageImportance.High,
                KeyNoteImportance.Normal => MessageImportance.Normal,
                _ => MessageImportance.Low,
            };
            Log.LogMessage(importance, "ContainerCache: {0}", note.Text);
        }

        Key = result.Key.Key;
        Tag = result.Tag;
        BaseDigest = result.BaseDigest;
        Changes = result.ChangesFingerprint;
        ChangedInputs = result.Changes?.Lines().Select(l => (ITaskItem)new TaskItem(l)).ToArray() ?? Array.Empty<ITaskItem>();
        KeyInputs.Remember(BuildEngine, Key, result.Settings);
        LogOutput("ContainerCacheKey", Key);
        LogOutput("ContainerCacheImageTag", Tag);
        LogOutput("ContainerCacheBaseImageDigest", BaseDigest);
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

        IReadOnlyList<LayerEntry> entries = ContainerCache.PublishOutput.PublishDirectory.Enumerate(PublishDirectory, excludedFile: KeyFile);
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

    private string ResolveBaseDigest(ImageSettings settings)
    {
        if (settings.BaseRegistry.Length == 0 || settings.BaseRepository.Length == 0)
        {
            return "";
        }

        // The SDK parsed these from ContainerBaseImage; checked again before they go into a URL.
        RequireRegistry(settings.BaseRegistry, "ContainerBaseImage's registry");
        RequireRepository(settings.BaseRepository, "ContainerBaseImage's repository");
        string reference = settings.BaseTag.Length == 0 ? "latest" : settings.BaseTag;
        if (!ImageTag.IsValid(reference))
        {
            throw new ContainerCacheException(DiagnosticCodes.InvalidPropertyValue, $"ContainerBaseImage's tag '{reference}' is not a valid image tag.");
        }

        string image = $"{settings.BaseRegistry}/{settings.BaseRepository}:{reference}";
        try
        {
            using RegistryClient client = CreateBaseImageClient(settings.BaseRegistry, _inputs.OutputRegistry);
            Manifest manifest = client.GetManifestAsync(settings.BaseRepository, reference).GetAwaiter().GetResult()
                ?? throw new RegistryException($"{settings.BaseRegistry} has no image {settings.BaseRepository}:{reference}");
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
}
