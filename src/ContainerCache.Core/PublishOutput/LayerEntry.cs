using ContainerCache.Hashing;

namespace ContainerCache.PublishOutput;

/// <summary>What an entry of the app layer is. The SDK follows links to files for their content
/// and writes links to directories as empty directories. The values are part of the key's encoding.</summary>
internal enum EntryKind
{
    File = 0,
    Directory = 1,
    FileLink = 2,
    DirectoryLink = 3,
}

/// <summary>One entry of the app layer: a path relative to the publish directory, '/'-separated.</summary>
internal sealed class LayerEntry
{
    public LayerEntry(string relativePath, string fullPath, EntryKind kind, bool executable)
        : this(relativePath, fullPath, kind, executable, stamp: null)
    {
    }

    internal LayerEntry(string relativePath, string fullPath, EntryKind kind, bool executable, FileStamp? stamp)
    {
        RelativePath = relativePath;
        FullPath = fullPath;
        Kind = kind;
        Executable = executable;
        Normalization = HasContent ? ContentNormalization.For(relativePath) : null;
        Stamp = stamp;
    }

    public string RelativePath { get; }
    public string FullPath { get; }
    public EntryKind Kind { get; }
    public bool Executable { get; }

    /// <summary>The documented normalisation applied to the content before hashing, or null.</summary>
    public string? Normalization { get; }

    /// <summary>The content's stamp, read when the directory was listed for a hash cache; else null.</summary>
    internal FileStamp? Stamp { get; }

    /// <summary>True when the layer carries bytes for this entry (a file, or a link to one).</summary>
    public bool HasContent => Kind is EntryKind.File or EntryKind.FileLink;
}
