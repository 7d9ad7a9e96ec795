using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ContainerCache.Diagnostics;
using ContainerCache.Keys;

namespace ContainerCache.PublishOutput;

/// <summary>
/// After a publish, before the key: the files in the publish directory that this publish did not
/// produce (<see cref="StaleFiles"/>), warned of, or deleted when asked. What it has for the build
/// log is in the result: notes, and the warnings (CONTAINERCACHE2004) as the catalogue words them.
/// </summary>
internal sealed class StaleFilesCheck
{
    /// <summary>How many stale files a warning names; the count says how many there are.</summary>
    public const int NamesShown = 5;

    private StaleFilesCheck()
    {
    }

    public List<KeyNote> Notes { get; } = new();

    public List<DiagnosticReport> Warnings { get; } = new();

    /// <param name="excludedFile">The key file, which is never stale.</param>
    /// <param name="producedFiles">The publish's destinations and the files the build wrote.</param>
    /// <param name="buildStarted">When the build started, in UTC ticks; anything else, and nothing is looked for.</param>
    /// <param name="prune">Delete the stale files (ContainerCachePruneStaleFiles) instead of warning.</param>
    /// <exception cref="ContainerCacheException">The publish directory cannot be listed.</exception>
    public static StaleFilesCheck Run(string publishDirectory, string excludedFile, IReadOnlyCollection<string> producedFiles, string buildStarted, bool prune)
    {
        var check = new StaleFilesCheck();
        if (!long.TryParse(buildStarted, NumberStyles.None, CultureInfo.InvariantCulture, out long ticks) || ticks <= 0 || ticks > DateTime.MaxValue.Ticks)
        {
            // Without it, a file a target of this build wrote could be called stale.
            check.Notes.Add(new KeyNote(KeyNoteImportance.Low, "the build's start is not known, so stale files are not looked for."));
            return check;
        }

        IReadOnlyList<LayerEntry> entries = PublishDirectory.Enumerate(publishDirectory, excludedFile);
        IReadOnlyList<LayerEntry> stale = StaleFiles.Find(entries, publishDirectory, producedFiles, new DateTime(ticks, DateTimeKind.Utc));
        check.Notes.Add(new KeyNote(
            KeyNoteImportance.Low,
            $"{stale.Count} of the {entries.Count(e => e.HasContent)} files in the publish directory not produced by this publish ({producedFiles.Count} destinations and files written given)"));
        if (stale.Count == 0)
        {
            return check;
        }

        if (!prune)
        {
            string names = Names(stale.Select(e => e.RelativePath).ToList());
            check.Warnings.Add(stale.Count == 1 ? DiagnosticMessages.StaleFile.With(names) : DiagnosticMessages.StaleFiles.With(stale.Count, names));
            return check;
        }

        var (deleted, failed) = StaleFiles.Prune(publishDirectory, stale);
        if (deleted.Count > 0)
        {
            check.Notes.Add(new KeyNote(
                KeyNoteImportance.Normal,
                $"deleted {(deleted.Count == 1 ? "1 file" : deleted.Count.ToString(CultureInfo.InvariantCulture) + " files")} an earlier publish left: {Printable.Of(string.Join(", ", deleted))}"));
        }

        if (failed.Count > 0)
        {
            string reasons = string.Join("; ", failed.Take(NamesShown).Select(f => $"'{f.Key}': {f.Value}")) + (failed.Count > NamesShown ? $"; and {failed.Count - NamesShown} more" : "");
            check.Warnings.Add(failed.Count == 1 ? DiagnosticMessages.StaleFileUndeletable.With(reasons) : DiagnosticMessages.StaleFilesUndeletable.With(failed.Count, reasons));
        }

        return check;
    }

    private static string Names(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(NamesShown)) + (names.Count > NamesShown ? $" and {names.Count - NamesShown} more" : "");
}
