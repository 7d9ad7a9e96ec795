using System;
using System.Collections.Generic;
using System.IO;

namespace ContainerCache;

/// <summary>
/// Lists a publish directory the way the .NET SDK's containers tooling layers it: every file and
/// directory below it, hidden ones included, entries marked System skipped, links to directories
/// not descended into.
/// </summary>
public static class PublishDirectory
{
    public static IReadOnlyList<LayerEntry> Enumerate(string directory, string? excludedFile = null)
    {
        var root = new DirectoryInfo(directory);
        if (!root.Exists)
        {
            throw new ContainerCacheException(
                DiagnosticCodes.PublishDirectoryMissing,
                $"The publish directory '{directory}' does not exist. Publish the project before keying it.");
        }

        string? excluded = excludedFile is null ? null : Path.GetFullPath(excludedFile);
        var entries = new List<LayerEntry>();
        var pending = new Stack<(DirectoryInfo Directory, string Prefix)>();
        pending.Push((root, ""));
        while (pending.Count > 0)
        {
            var (current, prefix) = pending.Pop();
            foreach (FileSystemInfo info in ListDirectory(current))
            {
                if ((info.Attributes & FileAttributes.System) != 0 || IsExcluded(info.FullName, excluded))
                {
                    continue;
                }

                string relativePath = prefix + info.Name;
                bool isLink = (info.Attributes & FileAttributes.ReparsePoint) != 0;
                if (info is DirectoryInfo subdirectory)
                {
                    entries.Add(new LayerEntry(relativePath, info.FullName, isLink ? EntryKind.DirectoryLink : EntryKind.Directory, executable: false));
                    if (!isLink)
                    {
                        pending.Push((subdirectory, relativePath + "/"));
                    }
                }
                else
                {
                    entries.Add(new LayerEntry(relativePath, info.FullName, isLink ? EntryKind.FileLink : EntryKind.File, IsExecutable(info)));
                }
            }
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return entries;
    }

    private static IEnumerable<FileSystemInfo> ListDirectory(DirectoryInfo directory)
    {
        try
        {
            // Materialised here so that an unreadable directory is reported with its name.
            return directory.GetFileSystemInfos();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ContainerCacheException(
                DiagnosticCodes.FileUnreadable,
                $"The directory '{directory.FullName}' in the publish output cannot be read: {e.Message}",
                e);
        }
    }

    private static bool IsExcluded(string fullPath, string? excluded) =>
        excluded is not null && string.Equals(fullPath, excluded, PathComparison);

    private static readonly StringComparison PathComparison =
        Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

#if NET
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private static bool IsExecutable(FileSystemInfo info) =>
        !OperatingSystem.IsWindows() && (info.UnixFileMode & AnyExecute) != 0;
#else
    private static bool IsExecutable(FileSystemInfo info) => false;
#endif
}
