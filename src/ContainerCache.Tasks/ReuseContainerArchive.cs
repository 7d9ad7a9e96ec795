using System;
using System.IO;
using System.Linq;
using ContainerCache.Diagnostics;
using ContainerCache.Registry;
using Microsoft.Build.Framework;

namespace ContainerCache.Tasks;

/// <summary>
/// For ContainerArchiveOutputPath: when the archive already holds the image of this key under every
/// requested name (its label, every blob checked against its digest, and the image checked against
/// the base like a registry hit), it is left as it is and returned as the SDK would have returned it.
/// </summary>
public sealed class ReuseContainerArchive : ReuseTask
{
    [Required]
    public string ArchiveOutputPath { get; set; } = "";

    /// <summary>
    /// In a multi-platform publish's inner build: the platform whose image is looked for in the
    /// archive's image index, under the index's names.
    /// </summary>
    public string RuntimeIdentifier { get; set; } = "";

    protected override void ExecuteCore()
    {
        string path = ImageArchive.ResolvePath(ArchiveOutputPath, Repository);
        string shown = Printable.Of(path);
        if (!CanSelectImage())
        {
            return;
        }

        if (!File.Exists(path))
        {
            Log.LogMessage(MessageImportance.Normal, "ContainerCache: miss: no archive at {0} yet; writing it.", shown);
            return;
        }

        ArchivedImage? archived;
        try
        {
            archived = RuntimeIdentifier.Length == 0
                ? ImageArchive.Read(path)
                : ImageCheck.Platform(RuntimeIdentifier) is { } platform ? ImageArchive.Read(path, platform) : null;
        }
        catch (RegistryException e)
        {
            Log.LogMessage(MessageImportance.High, "ContainerCache: miss: the archive {0} cannot be read ({1}); writing it anew.", shown, Printable.Of(e.Message));
            return;
        }

        string[] names = RequestedTags.Select(t => Repository + ":" + t).ToArray();
        string? missing = names.FirstOrDefault(n => !archived?.Names.Contains(n, StringComparer.Ordinal) ?? true);
        string? reason =
            archived is null ? (RuntimeIdentifier.Length == 0 ? "it does not hold exactly one image" : $"it does not hold an image index with one image for {RuntimeIdentifier}")
            : archived.Image.Key != Key ? $"its image has the key {archived.Image.Key ?? "(none)"}, not {Key}"
            : missing is not null ? $"it does not hold the name {missing}"
            : null;
        if (reason is null)
        {
            // Read while the archive's blobs are checked, which takes longest.
            StartBaseImageRead(Key, outputRegistry: "");
        }

        try
        {
            // Label and names first: they cost nothing. Then every blob, streamed, then the image against the base.
            reason ??= ImageArchive.WhyNotWhole(path, archived!) ?? WhyNotThisPublish(archived!.Image, Key, outputRegistry: "");
        }
        catch (RegistryException e)
        {
            Report(DiagnosticMessages.ArchiveCheckFailed.With(shown, Key, e.Message));
            return;
        }

        if (reason is not null)
        {
            Log.LogMessage(MessageImportance.High, "ContainerCache: miss: the archive {0} is out of date: {1}; writing it anew.", shown, Printable.Of(reason));
            return;
        }

        SetHit(archived!.Image, names);
        if (RuntimeIdentifier.Length > 0)
        {
            // One platform of several: whether the archive is left as it is depends on them all.
            Log.LogMessage(MessageImportance.Normal, "ContainerCache: the archive {0} holds the image of {1} with key {2}.", shown, RuntimeIdentifier, Key);
            return;
        }

        Log.LogMessage(MessageImportance.High, "ContainerCache: hit: the archive {0} already holds the image with key {1}; left as it is.", shown, Key);
    }
}
