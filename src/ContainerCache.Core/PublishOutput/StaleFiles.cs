using System;
using System.Collections.Generic;
using System.IO;
using ContainerCache.Hashing;

namespace ContainerCache.PublishOutput;

/// <summary>
/// Files in a publish directory that the publish which just ran did not produce: left by an earlier
/// publish (the SDK never deletes from the publish directory, and names Blazor WebAssembly files by
/// their content), or put there from outside. The SDK layers them like any other file.
/// </summary>
/// <remarks>
/// A file is produced by this publish when it is one of the publish's own destinations (the caller
/// passes them: the publish items, the files the build wrote, the deps file), or when it was written
/// during this build (its change time, which no tool can set back, is after the build started; on
/// systems without change times, its modification or creation time), so that a file a user's target
/// writes into the publish directory is never stale. Only files and links to files are ever stale.
/// </remarks>
internal static class StaleFiles
{
    /// <summary>
    /// How long before the build's start a file may have been written and still count as written by
    /// this build: file system clocks are coarse (2 s on FAT), and a file wrongly called produced
    /// is only a warning missed, never a file deleted.
    /// </summary>
    public static readonly TimeSpan ClockTolerance = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The entries of <paramref name="entries"/> (the publish directory's listing, see
    /// <see cref="PublishDirectory.Enumerate"/>) that are files or links to files, are not among
    /// <paramref name="producedFiles"/> and were not written since <paramref name="buildStartedUtc"/>.
    /// </summary>
    /// <param name="publishDirectory">The publish directory the entries were listed from.</param>
    /// <param name="producedFiles">Full or relative (to the current directory) paths of the files this publish produced; paths outside the publish directory are ignored.</param>
    public static IReadOnlyList<LayerEntry> Find(
        IReadOnlyList<LayerEntry> entries, string publishDirectory, IEnumerable<string> producedFiles, DateTime buildStartedUtc)
    {
        var produced = new HashSet<string>(PathComparer);
        string root = Root(publishDirectory);
        foreach (string file in producedFiles)
        {
            if (RelativePath(root, file) is string relative)
            {
                produced.Add(relative);
            }
        }

        long since = buildStartedUtc.ToUniversalTime().Ticks - ClockTolerance.Ticks;
        var stale = new List<LayerEntry>();
        foreach (LayerEntry entry in entries)
        {
            if (entry.HasContent && !produced.Contains(entry.RelativePath) && !WrittenSince(entry.FullPath, since))
            {
                stale.Add(entry);
            }
        }

        return stale;
    }

    /// <summary>
    /// Deletes <paramref name="stale"/> (files and links to files only; a link is deleted, never its
    /// target), then each directory that deleting them left empty, up to the publish directory
    /// (never it, nor anything outside it).
    /// </summary>
    /// <returns>The relative paths deleted, and the files that could not be deleted with the reason.</returns>
    public static (IReadOnlyList<string> Deleted, IReadOnlyList<KeyValuePair<string, string>> Failed) Prune(string publishDirectory, IReadOnlyList<LayerEntry> stale)
    {
        string root = Root(publishDirectory);
        var deleted = new List<string>();
        var failed = new List<KeyValuePair<string, string>>();
        var emptied = new HashSet<string>(PathComparer);
        foreach (LayerEntry entry in stale)
        {
            string fullPath = Path.GetFullPath(entry.FullPath);
            if (!entry.HasContent || RelativePath(root, fullPath) is null)
            {
                failed.Add(new KeyValuePair<string, string>(entry.RelativePath, "it is not a file in the publish directory"));
                continue;
            }

            try
            {
                // Checked again just before: a directory in a file's place since the listing is never deleted.
                if ((File.GetAttributes(fullPath) & FileAttributes.Directory) != 0 && (File.GetAttributes(fullPath) & FileAttributes.ReparsePoint) == 0)
                {
                    failed.Add(new KeyValuePair<string, string>(entry.RelativePath, "it is a directory now"));
                    continue;
                }

                File.Delete(fullPath);
                deleted.Add(entry.RelativePath);
                emptied.Add(Path.GetDirectoryName(fullPath)!);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failed.Add(new KeyValuePair<string, string>(entry.RelativePath, e.Message));
            }
        }

        foreach (string directory in emptied)
        {
            RemoveEmptyDirectories(root, directory);
        }

        return (deleted, failed);
    }

    /// <summary>Removes <paramref name="directory"/> and its parents while they are empty, below <paramref name="root"/>.</summary>
    private static void RemoveEmptyDirectories(string root, string directory)
    {
        string? current = directory;
        while (current is not null && RelativePath(root, current) is not null)
        {
            try
            {
                var info = new DirectoryInfo(current);
                if (!info.Exists || (info.Attributes & FileAttributes.ReparsePoint) != 0 || HasEntries(current))
                {
                    return;
                }

                Directory.Delete(current, recursive: false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left in place: an empty directory is a layer entry, and the key says so.
                return;
            }

            current = Path.GetDirectoryName(current);
        }
    }

    private static bool HasEntries(string directory)
    {
        using IEnumerator<string> entries = Directory.EnumerateFileSystemEntries(directory).GetEnumerator();
        return entries.MoveNext();
    }

    /// <summary>Whether the file (the link itself, for a link) was written, created or changed since <paramref name="sinceTicks"/> (UTC).</summary>
    private static bool WrittenSince(string fullPath, long sinceTicks)
    {
        if (FileStamp.TryRead(fullPath, out FileStamp stamp, followLinks: false))
        {
            return UnixEpochTicks + (stamp.ChangedNs / 100) >= sinceTicks;
        }

        try
        {
            var info = new FileInfo(fullPath);
            if (!info.Exists && !Directory.Exists(fullPath))
            {
                // Gone since it was listed: whatever it was, it is not in the image.
                return true;
            }

            return info.LastWriteTimeUtc.Ticks >= sinceTicks || info.CreationTimeUtc.Ticks >= sinceTicks;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unknown: counted as written by this build, so never called stale.
            return true;
        }
    }

    private static readonly long UnixEpochTicks = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private static string Root(string publishDirectory)
    {
        string root = Path.GetFullPath(publishDirectory);
        return root.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? root : root + Path.DirectorySeparatorChar;
    }

    /// <summary>
    /// The '/'-separated path of <paramref name="path"/> below <paramref name="root"/> (which ends with a
    /// separator), or null when it is not below it. MSBuild items may carry '\' on any system.
    /// </summary>
    private static string? RelativePath(string root, string path)
    {
        if (path.Length == 0)
        {
            return null;
        }

        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(Path.DirectorySeparatorChar == '/' ? path.Replace('\\', '/') : path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return null;
        }

        if (fullPath.Length <= root.Length || !fullPath.StartsWith(root, PathComparison))
        {
            return null;
        }

        return fullPath.Substring(root.Length).Replace('\\', '/').TrimEnd('/');
    }

    private static readonly bool IgnoreCase = Path.DirectorySeparatorChar == '\\';

    private static readonly StringComparison PathComparison = IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private static readonly StringComparer PathComparer = IgnoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
}
