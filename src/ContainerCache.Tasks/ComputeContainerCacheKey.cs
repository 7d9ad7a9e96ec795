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
public sealed class ComputeContainerCacheKey : KeyTask
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
    /// else the key file), as the baseline of this build's keys (the image's key too).
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

    /// <summary>
    /// Look for files in the publish directory that this publish did not produce (see
    /// <see cref="StaleFiles"/>): true after a publish, not when an image is built from an earlier one.
    /// </summary>
    public bool FindStaleFiles { get; set; }

    /// <summary>The files this publish produced: its items' destinations and the files the build wrote.</summary>
    public ITaskItem[] ProducedFiles { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>When the build started, in UTC ticks: a file written since then is this build's.</summary>
    public string BuildStarted { get; set; } = "";

    /// <summary>Delete the stale files before the key is computed (ContainerCachePruneStaleFiles), instead of warning.</summary>
    public bool PruneStaleFiles { get; set; }

    /// <summary>The baseline's path as messages print it: control characters escaped (see <see cref="Printable"/>).</summary>
    [Output]
    public string BaselineShown { get; private set; } = "";

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
            },
            ResolveBaseImage ? settings => ResolveBaseDigest(settings, _inputs.OutputRegistry) : null);

        ComputedKeys.Remember(BuildEngine, KeyFile, new ComputedKey(result, _inputs.OutputRegistry));
        ReportKey(result);
    }

    /// <summary>Warns of the files an earlier publish left in the publish directory, or deletes them (see <see cref="StaleFilesCheck"/>).</summary>
    private void HandleStaleFiles()
    {
        LogInput(nameof(BuildStarted), BuildStarted);
        LogInput(nameof(PruneStaleFiles), PruneStaleFiles ? "true" : "false");
        StaleFilesCheck check = StaleFilesCheck.Run(PublishDirectory, KeyFile, ProducedFiles.Select(f => f.ItemSpec).ToList(), BuildStarted, PruneStaleFiles);
        LogNotes(check.Notes);
        foreach (DiagnosticReport warning in check.Warnings)
        {
            Report(warning);
        }
    }
}
