using System;
using System.Collections.Generic;
using System.IO;
#if NET
using System.IO.Enumeration;
#endif

namespace ContainerCache;

/// <summary>
/// Lists a publish directory the way the .NET SDK's containers tooling layers it: every file and
/// directory below it, hidden ones included, entries marked System skipped, links to directories
/// not descended into.
/// </summary>
public static class PublishDirectory
{
    /// <param name="stamp">
    /// Also read each file's stamp (<see cref="FileStamp"/>), for a hash cache. Where stamps can be
    /// read, that one call per entry is also how the entry's type and mode are learnt.
    /// </param>
    public static IReadOnlyList<LayerEntry> Enumerate(string directory, string? excludedFile = null, bool stamp = false)
    {
        var root = new DirectoryInfo(directory);
        if (!root.Exists)
        {
            throw new ContainerCacheException(
                DiagnosticCodes.PublishDirectoryMissing,
                $"The publish directory '{directory}' does not exist. Publish the project before keying it.");
        }

        string? excluded = excludedFile is null ? null : Path.GetFullPath(excludedFile);
#if NET
        List<LayerEntry> entries = stamp && FileStamp.Supported ? ListStamped(root.FullName, excluded) : List(root, excluded);
#else
        List<LayerEntry> entries = List(root, excluded);
#endif
        entries.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return entries;
    }

    private static List<LayerEntry> List(DirectoryInfo root, string? excluded)
    {
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

        return entries;
    }

#if NET
    /// <summary>
    /// The same listing from names and one statx per entry (two for a link), where FileSystemInfo
    /// would stat each entry and the hash cache then again. Linux has no System attribute.
    /// </summary>
    private static List<LayerEntry> ListStamped(string root, string? excluded)
    {
        var entries = new List<LayerEntry>();
        var pending = new Stack<(string Directory, string Prefix)>();
        pending.Push((root, ""));
        while (pending.Count > 0)
        {
            var (current, prefix) = pending.Pop();
            foreach (string name in ListNames(current))
            {
                string fullPath = Path.Combine(current, name);
                if (IsExcluded(fullPath, excluded))
                {
                    continue;
                }

                string relativePath = prefix + name;
                if (!FileStamp.TryRead(fullPath, out FileStamp own, followLinks: false))
                {
                    // Gone since it was listed, or not statable: hashing it reports it by name.
                    entries.Add(new LayerEntry(relativePath, fullPath, EntryKind.File, executable: false));
                }
                else if (own.IsDirectory)
                {
                    entries.Add(new LayerEntry(relativePath, fullPath, EntryKind.Directory, executable: false));
                    pending.Push((fullPath, relativePath + "/"));
                }
                else if (!own.IsLink)
                {
                    entries.Add(new LayerEntry(relativePath, fullPath, EntryKind.File, own.IsExecutable, own.IsRegularFile ? own : null));
                }
                else if (FileStamp.TryRead(fullPath, out FileStamp target) && target.IsDirectory)
                {
                    entries.Add(new LayerEntry(relativePath, fullPath, EntryKind.DirectoryLink, executable: false));
                }
                else
                {
                    // A link to a file is layered with its target's bytes and mode; a dangling one fails when hashed.
                    bool resolved = target.IsRegularFile;
                    entries.Add(new LayerEntry(relativePath, fullPath, EntryKind.FileLink, resolved && target.IsExecutable, resolved ? target : null));
                }
            }
        }

        return entries;
    }

    private static List<string> ListNames(string directory)
    {
        try
        {
            var options = new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false, RecurseSubdirectories = false };
            return new List<string>(new FileSystemEnumerable<string>(directory, (ref FileSystemEntry entry) => entry.FileName.ToString(), options));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ContainerCacheException(
                DiagnosticCodes.FileUnreadable,
                $"The directory '{directory}' in the publish output cannot be read: {e.Message}",
                e);
        }
    }
#endif

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
