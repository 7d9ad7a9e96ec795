using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Hashing;
using System.Linq;
using System.Threading.Tasks;
using ContainerCache.Diagnostics;
using ContainerCache.PublishOutput;

namespace ContainerCache.Hashing;

/// <summary>
/// Hashes file contents, in parallel when there is enough to read, streaming each file through a
/// pooled buffer so that memory does not grow with file size.
/// </summary>
internal static class FileHasher
{
    private const int BufferSize = 1 << 20;

    /// <param name="cache">
    /// Hashes of earlier publishes: a file whose stamp says it cannot have changed is not read
    /// again (see <see cref="HashCache"/>), and the cache is updated with what was read.
    /// </param>
    /// <param name="startedAtNs">
    /// When the stamps of <paramref name="entries"/> began to be read, if they were read when the
    /// directory was listed (<see cref="HashCache.Clock"/>); by default, now.
    /// </param>
    public static ContentHash[] HashAll(IReadOnlyList<LayerEntry> entries, HashCache? cache = null, long? startedAtNs = null)
    {
        var hashes = new ContentHash[entries.Count];
        bool stamped = cache is not null && FileStamp.Supported;
        long now = stamped ? startedAtNs ?? cache!.Clock() : 0;

        // First, which files must be read: those the cache cannot vouch for. Stamps come from the
        // listing, or are read here (then kept for this call only).
        var toRead = new List<int>();
        FileStamp?[]? stampsReadHere = null;
        long bytesToRead = 0;
        for (int i = 0; i < entries.Count; i++)
        {
            LayerEntry entry = entries[i];
            if (!entry.HasContent)
            {
                continue;
            }

            // The stamp is read before the content, so that a write during the read moves the
            // change time past the recorded one.
            if (stamped && entry.Stamp is null && FileStamp.TryRead(entry.FullPath, out FileStamp read))
            {
                (stampsReadHere ??= new FileStamp?[entries.Count])[i] = read;
            }

            if (stamped && (entry.Stamp ?? stampsReadHere?[i]) is FileStamp stamp)
            {
                if (cache!.TryGet(entry, stamp, out hashes[i]))
                {
                    continue;
                }

                bytesToRead += stamp.Size;
            }
            else
            {
                bytesToRead += ParallelFrom; // size unknown: as if large
            }

            toRead.Add(i);
        }

        Read(entries, toRead, hashes, parallel: toRead.Count > 1 && bytesToRead >= ParallelFrom);
        if (cache is not null)
        {
            cache.Hashed = toRead.Count;
            cache.Reused = entries.Count(e => e.HasContent) - toRead.Count;
            if (stamped)
            {
                cache.Update(entries, i => entries[i].Stamp ?? stampsReadHere?[i], toRead, hashes, now);
            }
        }

        return hashes;
    }

    /// <summary>
    /// Below this many bytes to read, one thread reads them: starting parallel workers costs more
    /// in a fresh process (about 15 ms) than hashing a few MiB.
    /// </summary>
    private const long ParallelFrom = 8L << 20;

    private static void Read(IReadOnlyList<LayerEntry> entries, List<int> toRead, ContentHash[] hashes, bool parallel)
    {
        if (!parallel)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                var hasher = new XxHash128();
                foreach (int i in toRead)
                {
                    hashes[i] = HashFile(entries[i], buffer, hasher);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            return;
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        try
        {
            Parallel.For(
                0,
                toRead.Count,
                options,
                () => (Buffer: ArrayPool<byte>.Shared.Rent(BufferSize), Hasher: new XxHash128()),
                (n, _, worker) =>
                {
                    int i = toRead[n];
                    hashes[i] = HashFile(entries[i], worker.Buffer, worker.Hasher);
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
    }

    public static ContentHash HashFile(LayerEntry entry, byte[] buffer, XxHash128 hasher)
    {
        try
        {
            using var stream = new FileStream(
                entry.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 1, FileOptions.SequentialScan);
            if (entry.Normalization is not null)
            {
                byte[] normalized = ContentNormalization.Apply(entry.Normalization, stream, entry.FullPath);
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
            throw new ContainerCacheException(DiagnosticMessages.FileUnreadable.With(entry.FullPath, Reason(entry, e)), e);
        }
    }

    /// <summary>The system's reason, unless it says the wrong thing: a dangling link is no missing file.</summary>
    private static string Reason(LayerEntry entry, Exception e)
    {
#if NET
        if (e is FileNotFoundException && entry.Kind == EntryKind.FileLink && new FileInfo(entry.FullPath).LinkTarget is string target)
        {
            return $"it is a link to '{target}', which does not exist.";
        }
#endif
        return e.Message;
    }
}
