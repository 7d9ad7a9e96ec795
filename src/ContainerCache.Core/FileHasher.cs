using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Hashing;
using System.Threading.Tasks;

namespace ContainerCache;

/// <summary>The XxHash128 of a file's bytes, and how many bytes were read.</summary>
public readonly struct ContentHash
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

/// <summary>
/// Hashes file contents in parallel, streaming each file through a pooled buffer so that memory
/// does not grow with file size.
/// </summary>
public static class FileHasher
{
    private const int BufferSize = 1 << 20;

    public static ContentHash[] HashAll(IReadOnlyList<LayerEntry> entries)
    {
        var hashes = new ContentHash[entries.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        try
        {
            Parallel.For(
                0,
                entries.Count,
                options,
                () => (Buffer: ArrayPool<byte>.Shared.Rent(BufferSize), Hasher: new XxHash128()),
                (i, _, worker) =>
                {
                    if (entries[i].HasContent)
                    {
                        hashes[i] = HashFile(entries[i], worker.Buffer, worker.Hasher);
                    }

                    return worker;
                },
                worker => ArrayPool<byte>.Shared.Return(worker.Buffer));
        }
        catch (AggregateException e)
        {
            // Report the first unreadable file, by name; never a key from partial input.
            foreach (Exception inner in e.Flatten().InnerExceptions)
            {
                if (inner is ContainerCacheException known)
                {
                    throw known;
                }
            }

            throw;
        }

        return hashes;
    }

    public static ContentHash HashFile(LayerEntry entry, byte[] buffer, XxHash128 hasher)
    {
        try
        {
            using var stream = new FileStream(
                entry.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 1, FileOptions.SequentialScan);
            if (entry.Normalization is not null)
            {
                byte[] normalized = ContentNormalization.Apply(entry.Normalization, stream);
                hasher.Append(normalized);
                return new ContentHash(normalized.Length, hasher.GetHashAndReset());
            }

#if NET
            // Not hasher.Append: in a fresh process that runs at tier 0 (see XxHash128Stream).
            var hash = new byte[16];
            long length = XxHash128Stream.Hash(stream, buffer, hash);
            return new ContentHash(length, hash);
#else
            long length = 0;
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                hasher.Append(new ReadOnlySpan<byte>(buffer, 0, read));
                length += read;
            }

            return new ContentHash(length, hasher.GetHashAndReset());
#endif
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            hasher.Reset();
            throw new ContainerCacheException(
                DiagnosticCodes.FileUnreadable,
                $"The file '{entry.FullPath}' in the publish output cannot be read: {e.Message}",
                e);
        }
    }
}
