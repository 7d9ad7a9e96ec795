using ContainerCache.PublishOutput;

namespace ContainerCache.Keys;

/// <summary>One file system entry of the key's input, as recorded in the key file.</summary>
internal sealed class KeyedEntry
{
    internal KeyedEntry(string path, EntryKind kind, long size, string? hash, bool executable, string? normalization)
    {
        Path = path;
        Kind = kind;
        Size = size;
        Hash = hash;
        Executable = executable;
        Normalization = normalization;
    }

    public string Path { get; }
    public EntryKind Kind { get; }
    public long Size { get; }

    /// <summary>The content's XxHash128 in lowercase hex (what <c>xxh128sum</c> prints), or null for directories.</summary>
    public string? Hash { get; }

    public bool Executable { get; }

    /// <summary>The documented normalisation the content went through before hashing, or null.</summary>
    public string? Normalization { get; }
}
