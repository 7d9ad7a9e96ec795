namespace ContainerCache.Hashing;

/// <summary>The XxHash128 of a file's bytes, and how many bytes were read.</summary>
internal readonly struct ContentHash
{
    public ContentHash(long length, byte[] hash)
    {
        Length = length;
        Hash = hash;
    }

    public long Length { get; }

    /// <summary>16 bytes, in the canonical (big-endian) order that <c>xxh128sum</c> prints.</summary>
    public byte[] Hash { get; }
}
