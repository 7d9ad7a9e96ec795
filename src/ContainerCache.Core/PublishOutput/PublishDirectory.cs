using System;
using System.Collections.Generic;
using System.IO;
using ContainerCache.Diagnostics;
using ContainerCache.Hashing;
#if NET
using System.IO.Enumeration;
#endif

namespace ContainerCache.PublishOutput;

/// <summary>
/// Lists a publish directory the way the .NET SDK's containers tooling layers it: every file and
/// directory below it, hidden ones included, entries marked System skipped, links to directories
/// not descended into.
/// </summary>
/// <remarks>
/// The SDK opens every other entry and reads it to its end: a FIFO blocks it, a link to /dev/zero
/// never ends, a socket fails. So where types can be read without opening (Linux), an entry that is
/// not a regular file, a directory or a link to one is a coded error naming it, found before
/// anything is opened (CONTAINERCACHE1010).
/// </remarks>
internal static class PublishDirectory
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
            throw new ContainerCacheException(DiagnosticMessages.PublishDirectoryMissing.With(directory));
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
                if (IsExcluded(info.FullName, excluded))
                {
                    continue;
                }

                string relativePath = prefix + info.Name;
#if NET
                if (FileStamp.Supported)
                {
                    // Linux with stamps turned off: the same checks as the stamped listing, before anything is opened.
                    Inspect(info.FullName, relativePath);
                }
#endif
                if (!info.Exists)
                {
                    // Its attributes would read as all set, System included, and it would be left out unseen.
                    throw new ContainerCacheException(DiagnosticMessages.EntryGone.With(relativePath, info.FullName));
                }

                if ((info.Attributes & FileAttributes.System) != 0)
                {
                    continue;
                }

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
                var (own, target) = Inspect(fullPath, relativePath);
                if (own is null)
                {
                    // Gone since it was listed, or not statable for another reason: hashing it reports it by name.
                    entries.Add(new LayerEntry(relativePath, fullPath, EntryKind.File, executable: false));
                }
                else if (own.Value.IsDirectory)
                {
                    entries.Add(new LayerEntry(relativePath, fullPath, EntryKind.Directory, executable: false));
                    pending.Push((fullPath, relativePath + "/"));
                }
                else if (!own.Value.IsLink)
                {
                    entries.Add(new LayerEntry(relativePath, fullPath, EntryKind.File, own.Value.IsExecutable, own));
                }
                else if (target?.IsDirectory == true)
                {
                    entries.Add(new LayerEntry(relativePath, fullPath, EntryKind.DirectoryLink, executable: false));
                }
                else
                {
                    // A link to a file is layered with its target's bytes and mode; a dangling one fails when hashed.
                    entries.Add(new LayerEntry(relativePath, fullPath, EntryKind.FileLink, target?.IsExecutable == true, target));
                }
            }
        }

        return entries;
    }

    /// <summary>
    /// An entry's stamp and, for a link, its target's (null where it cannot be read: gone, or a
    /// dangling link), read without opening anything. Throws the coded error for an entry that must
    /// not be opened, or that .NET cannot open whatever its permissions.
    /// </summary>
    private static (FileStamp? Own, FileStamp? Target) Inspect(string fullPath, string relativePath)
    {
        if (!FileStamp.TryRead(fullPath, out FileStamp own, out int error, followLinks: false))
        {
            if (Unstatable(fullPath, relativePath, error) is { } reason)
            {
                throw reason;
            }

            return (null, null);
        }

        if (own.SpecialType is string type)
        {
            throw new ContainerCacheException(DiagnosticMessages.SpecialFile.With(relativePath, fullPath, type));
        }

        if (!own.IsLink)
        {
            return (own, null);
        }

        if (!FileStamp.TryRead(fullPath, out FileStamp target))
        {
            return (own, null);
        }

        if (target.SpecialType is string targetType)
        {
            throw new ContainerCacheException(DiagnosticMessages.LinkToSpecialFile.With(relativePath, fullPath, new FileInfo(fullPath).LinkTarget ?? "", targetType));
        }

        return (own, target);
    }

    /// <summary>
    /// Why an entry that was just listed cannot be stat'ed, when that is no race: a name .NET cannot
    /// pass back to the system, or a directory without search permission. Null otherwise.
    /// </summary>
    internal static ContainerCacheException? Unstatable(string fullPath, string relativePath, int error)
    {
        if (error == FileStamp.NoSuchEntry && relativePath.IndexOf('\uFFFD') >= 0)
        {
            // .NET decodes names as UTF-8, with U+FFFD for bytes that are not; the name it gives back then names no file.
            return new ContainerCacheException(DiagnosticMessages.NameNotUtf8.With(relativePath, fullPath));
        }

        return error == FileStamp.PermissionDenied ? new ContainerCacheException(DiagnosticMessages.DirectoryNotSearchable.With(Path.GetDirectoryName(fullPath) ?? fullPath, relativePath)) : null;
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
            throw new ContainerCacheException(DiagnosticMessages.DirectoryUnreadable.With(directory, e.Message), e);
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
            // Its names could be read, but not what they are: the entries are denied, not the directory.
            throw e is UnauthorizedAccessException && NamesCanBeListed(directory.FullName)
                ? new ContainerCacheException(DiagnosticMessages.DirectoryEntriesNotSearchable.With(directory.FullName))
                : new ContainerCacheException(DiagnosticMessages.DirectoryUnreadable.With(directory.FullName, e.Message), e);
        }
    }

    private static bool NamesCanBeListed(string directory)
    {
        try
        {
            // Names only: no entry is stat'ed.
            foreach (string _ in Directory.EnumerateFileSystemEntries(directory))
            {
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
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
