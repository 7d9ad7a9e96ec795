using System;
using System.Linq;
using ContainerCache.Keys;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ContainerCache.Tasks;

/// <summary>
/// A task that computes a content key (<see cref="ComputeContainerCacheKey"/> after Publish,
/// <see cref="ComputeContainerImageKey"/> before the image): the outputs both give the targets, and
/// how a computed key is reported.
/// </summary>
public abstract class KeyTask : ContainerCacheTask
{
    [Output]
    public string Key { get; private protected set; } = "";

    [Output]
    public string Tag { get; private protected set; } = "";

    /// <summary>The base image's digest that went into the key: given, resolved, or empty.</summary>
    [Output]
    public string BaseDigest { get; private protected set; } = "";

    /// <summary>Every change against the baseline, one item each: <c>file changed: app.dll</c>, <c>setting added: env:X</c>.</summary>
    [Output]
    public ITaskItem[] ChangedInputs { get; private protected set; } = Array.Empty<ITaskItem>();

    /// <summary>
    /// Logs what a key computation has to say, remembers the settings its key covers for the reuse
    /// and verify tasks (see <see cref="KeyInputs"/>), and sets and logs the outputs.
    /// </summary>
    private protected void ReportKey(KeyResult result)
    {
        LogNotes(result.Notes);
        Key = result.Key.Key;
        Tag = result.Tag;
        BaseDigest = result.BaseDigest;
        ChangedInputs = ChangedItems(result);
        KeyInputs.Remember(BuildEngine, Key, result.Settings);
        LogOutput("ContainerCacheKey", Key);
        LogOutput("ContainerCacheImageTag", Tag);
        LogOutput("ContainerCacheBaseImageDigest", BaseDigest);
    }

    private protected static ITaskItem[] ChangedItems(KeyResult result) =>
        result.Changes?.Lines().Select(l => (ITaskItem)new TaskItem(l)).ToArray() ?? Array.Empty<ITaskItem>();
}
