using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Hashing;
using System.Text;
using ContainerCache.Keys;
using ContainerCache.PublishOutput;

namespace ContainerCache.Hashing;

/// <summary>
/// The content hashes of the last publish, so that an unchanged file is not read again: a file's
/// hash is reused only when its size, inode, device, modification time and change time are all
/// what they were when it was hashed, and its change time was safely older than that hashing.
/// </summary>
/// <remarks>
/// <para>Timestamps alone are not trusted: a file can be rewritten with its old modification time
/// (<c>touch -d</c>, <c>cp -p</c>, an archive), but not with its old change time and inode, which
/// the kernel sets. The change time is also what catches a write between the stat and the read.</para>
/// <para>A file changed within <see cref="RacyWindowNs"/> before it was hashed is "racy", as git
/// calls it: a second write in the same clock tick would leave its stamp as it was. Its hash is
/// kept but never reused; it is read again next time, when its stamp is old enough.</para>
/// <para>Where stamps cannot be read (<see cref="FileStamp.Supported"/> is false), nothing is
/// cached and every file is hashed. A cache file that cannot be read is ignored, never trusted.</para>
/// </remarks>
internal sealed class HashCache
{
    /// <summary>2 s: coarser than any file system's time stamps that ContainerCache runs on, and than the kernel's tick.</summary>
    internal const long RacyWindowNs = 2_000_000_000L;

    /// <summary>
    /// Whether a file with <paramref name="stamp"/> was changed safely before a hashing that started
    /// at <paramref name="hashedAtNs"/> (not racy): then the hash of what was read still holds while
    /// the stamp stays the same.
    /// </summary>
    internal static bool ChangedBefore(FileStamp stamp, long hashedAtNs) =>
        stamp.ChangedNs < hashedAtNs - RacyWindowNs && stamp.ModifiedNs < hashedAtNs - RacyWindowNs;

    private const string Magic = "ContainerCache.HashCache";

    /// <remarks>2: the file ends with an XxHash64 of all its other bytes, so that a flipped bit in a stored hash is caught.</remarks>
    internal const int Version = 2;

    private const int ChecksumBytes = 8;

    private readonly string _path;
    private Dictionary<string, Record> _records;
    private bool _changed;

    private HashCache(string path, Dictionary<string, Record> records, string? ignored)
    {
        _path = path;
        _records = records;
        IgnoredBecause = ignored;
    }

    /// <summary>True where file stamps can be read, so that anything is cached: Linux.</summary>
    public static bool Supported => FileStamp.Supported;

    /// <summary>Why the cache file on disk was not used, or null.</summary>
    public string? IgnoredBecause { get; }

    /// <summary>Files hashed in the last <see cref="FileHasher.HashAll"/> with this cache, and files whose hash was reused.</summary>
    public int Hashed { get; internal set; }

    public int Reused { get; internal set; }

    internal int Count => _records.Count;

    /// <summary>The time a hashing starts, in nanoseconds since the Unix epoch; tests move it.</summary>
    internal Func<long> Clock { get; set; } = NowNs;

    /// <summary>
    /// Opens the cache kept at <paramref name="path"/>; a missing file gives an empty cache, and so
    /// does one that cannot be read, whatever it holds (<see cref="IgnoredBecause"/> says why):
    /// the cache is the package's own, so it is never an error, only a publish that reads every file.
    /// </summary>
    public static HashCache Open(string path)
    {
        var records = new Dictionary<string, Record>(StringComparer.Ordinal);
        if (!FileStamp.TryRead(path, out FileStamp self))
        {
            return new HashCache(path, records, null);
        }

        if (!self.IsRegularFile)
        {
            // A FIFO would block the open until a writer came; a directory cannot be read.
            return new HashCache(path, records, "it is not a regular file");
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return Read(path, stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new HashCache(path, records, "it cannot be read: " + e.Message);
        }
    }

    /// <summary>The cache <see cref="Save"/> wrote to <paramref name="stream"/>; any other content gives an empty cache, with the reason.</summary>
    internal static HashCache Read(string path, Stream stream)
    {
        var records = new Dictionary<string, Record>(StringComparer.Ordinal);
        try
        {
            var summed = new ChecksumStream(stream);
            using var reader = new BinaryReader(summed, Encoding.UTF8, leaveOpen: true);
            var strings = new BoundedStrings(reader, Math.Max(0, stream.Length - ChecksumBytes));

            // The key's format version too: it changes when a normalisation does, and with it the hashes of normalised files.
            if (strings.Read() != Magic || reader.ReadInt32() != Version || reader.ReadUInt32() != ContentKey.FormatVersion)
            {
                return new HashCache(path, records, "it was written by another version of ContainerCache");
            }

            // Bounded by the bytes left, so that a corrupt count allocates nothing large.
            int count = reader.ReadInt32();
            if (count < 0 || count > strings.Remaining / MinRecordBytes)
            {
                throw new InvalidDataException($"it claims {count} records");
            }

            records = new Dictionary<string, Record>(count, StringComparer.Ordinal);
            for (int i = 0; i < count; i++)
            {
                string file = strings.Read();
                string normalization = strings.Read();
                var stamp = new FileStamp(reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadUInt64(), reader.ReadUInt64());
                long hashedAt = reader.ReadInt64();
                long length = reader.ReadInt64();
                byte[] hash = reader.ReadBytes(16);
                if (hash.Length != 16)
                {
                    throw new EndOfStreamException();
                }

                records[file] = new Record(stamp, normalization, hashedAt, new ContentHash(length, hash));
            }

            if (strings.Remaining != 0)
            {
                throw new InvalidDataException("trailing bytes");
            }

            // A corrupt record can look like a valid one; its hash would then key content it is not.
            byte[] checksum = new byte[ChecksumBytes];
            if (stream.Read(checksum, 0, ChecksumBytes) != ChecksumBytes || !summed.Checksum().AsSpan().SequenceEqual(checksum))
            {
                throw new InvalidDataException("its checksum does not match its content");
            }

            return new HashCache(path, records, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException or NotSupportedException)
        {
            return new HashCache(path, new Dictionary<string, Record>(StringComparer.Ordinal), "it cannot be read: " + e.Message);
        }
    }

    /// <summary>Two empty strings, five stamp fields, the hashing time, the length and the 16-byte hash.</summary>
    private const int MinRecordBytes = 1 + 1 + (5 * 8) + 8 + 8 + 16;

    /// <summary>
    /// Reads the strings <see cref="BinaryWriter"/> wrote (a 7-bit encoded byte count, then UTF-8),
    /// checking the count against the bytes left first: <see cref="BinaryReader.ReadString"/>
    /// throws <see cref="FormatException"/> for a bad count, and on .NET Framework allocates
    /// whatever a corrupt one says.
    /// </summary>
    private sealed class BoundedStrings
    {
        private readonly BinaryReader _reader;
        private readonly long _length;
        private byte[] _buffer = new byte[256];

        public BoundedStrings(BinaryReader reader, long length)
        {
            _reader = reader;
            _length = length;
        }

        public long Remaining => _length - _reader.BaseStream.Position;

        public string Read()
        {
            uint count = 0;
            for (int shift = 0; shift <= 28; shift += 7)
            {
                byte b = _reader.ReadByte();
                if (shift == 28 && b > 0x0F)
                {
                    throw new InvalidDataException("a malformed string length");
                }

                count |= (uint)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    break;
                }
            }

            // Paths and normalisation names: a Linux path is at most 4 KiB.
            if (count > Remaining || count > 64 * 1024)
            {
                throw new InvalidDataException($"a string of {count} bytes, past the end of the file");
            }

            if (_buffer.Length < count)
            {
                _buffer = new byte[count];
            }

            for (int read = 0; read < count;)
            {
                int n = _reader.Read(_buffer, read, (int)count - read);
                if (n == 0)
                {
                    throw new EndOfStreamException();
                }

                read += n;
            }

            return Encoding.UTF8.GetString(_buffer, 0, (int)count);
        }
    }

    /// <summary>The hash recorded for this file, if its stamp says it cannot have changed since.</summary>
    internal bool TryGet(LayerEntry entry, FileStamp stamp, out ContentHash hash)
    {
        if (_records.TryGetValue(entry.FullPath, out Record? record)
            && record.Stamp.Equals(stamp)
            && record.Normalization == (entry.Normalization ?? "")
            && ChangedBefore(record.Stamp, record.HashedAtNs))
        {
            hash = record.Hash;
            return true;
        }

        hash = default;
        return false;
    }

    /// <summary>
    /// Makes the cache what one hashing of a whole publish directory saw: the files it read
    /// (<paramref name="read"/>, hashed from <paramref name="hashedAtNs"/>) recorded anew, the
    /// others kept, and files no longer there forgotten. Entries without a stamp are not cached.
    /// </summary>
    /// <param name="stampOf">The stamp the hashing used for entry i, or null.</param>
    internal void Update(IReadOnlyList<LayerEntry> entries, Func<int, FileStamp?> stampOf, List<int> read, ContentHash[] hashes, long hashedAtNs)
    {
        foreach (int i in read)
        {
            if (stampOf(i) is FileStamp stamp)
            {
                _records[entries[i].FullPath] = new Record(stamp, entries[i].Normalization ?? "", hashedAtNs, hashes[i]);
                _changed = true;
            }
        }

        // Forget files that are gone, or now without a stamp: rebuild only then, the records are many.
        int cached = 0;
        for (int i = 0; i < entries.Count; i++)
        {
            if (entries[i].HasContent && stampOf(i) is not null && _records.ContainsKey(entries[i].FullPath))
            {
                cached++;
            }
        }

        if (cached != _records.Count)
        {
            var kept = new Dictionary<string, Record>(cached, StringComparer.Ordinal);
            for (int i = 0; i < entries.Count; i++)
            {
                if (entries[i].HasContent && stampOf(i) is not null && _records.TryGetValue(entries[i].FullPath, out Record? record))
                {
                    kept[entries[i].FullPath] = record;
                }
            }

            _records = kept;
            _changed = true;
        }
    }

    /// <summary>
    /// Writes the cache if the last hashing changed it, atomically. The cache only saves work: when
    /// it cannot be written, the reason is returned and the next publish hashes everything.
    /// </summary>
    public string? Save()
    {
        if (!_changed)
        {
            return null;
        }

        string temporary = _path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            string? directory = Path.GetDirectoryName(Path.GetFullPath(_path));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            using (FileStream file = File.Create(temporary))
            using (var summed = new ChecksumStream(file))
            using (var writer = new BinaryWriter(summed, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                writer.Write(Version);
                writer.Write(ContentKey.FormatVersion);
                writer.Write(_records.Count);
                foreach (KeyValuePair<string, Record> pair in _records)
                {
                    Record record = pair.Value;
                    writer.Write(pair.Key);
                    writer.Write(record.Normalization);
                    writer.Write(record.Stamp.Size);
                    writer.Write(record.Stamp.ModifiedNs);
                    writer.Write(record.Stamp.ChangedNs);
                    writer.Write(record.Stamp.Inode);
                    writer.Write(record.Stamp.Device);
                    writer.Write(record.HashedAtNs);
                    writer.Write(record.Hash.Length);
                    writer.Write(record.Hash.Hash);
                }

                writer.Flush();
                file.Write(summed.Checksum(), 0, ChecksumBytes);
            }

            KeyFile.Replace(temporary, _path);
            _changed = false;
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            KeyFile.TryDelete(temporary);
            return $"The hash cache '{_path}' cannot be written: {e.Message}";
        }
    }

    /// <summary>Now, in nanoseconds since the Unix epoch: the clock file times are kept in.</summary>
    internal static long NowNs() => (DateTime.UtcNow.Ticks - UnixEpochTicks) * 100;

    private const long UnixEpochTicks = 621355968000000000L;

    /// <summary>Passes bytes through to a stream, read or written, and sums them (XxHash64).</summary>
    private sealed class ChecksumStream : Stream
    {
        private readonly Stream _inner;
        private readonly XxHash64 _sum = new();

        public ChecksumStream(Stream inner) => _inner = inner;

        public override bool CanRead => _inner.CanRead;
        public override bool CanSeek => false;
        public override bool CanWrite => _inner.CanWrite;
        public override long Length => _inner.Length;

        public override long Position
        {
            get => _inner.Position;
            set => throw new NotSupportedException();
        }

        public byte[] Checksum() => _sum.GetCurrentHash();

        public override int Read(byte[] buffer, int offset, int count)
        {
            int read = _inner.Read(buffer, offset, count);
            _sum.Append(new ReadOnlySpan<byte>(buffer, offset, read));
            return read;
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            _sum.Append(new ReadOnlySpan<byte>(buffer, offset, count));
            _inner.Write(buffer, offset, count);
        }

        public override void Flush() => _inner.Flush();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private sealed class Record
    {
        public Record(FileStamp stamp, string normalization, long hashedAtNs, ContentHash hash)
        {
            Stamp = stamp;
            Normalization = normalization;
            HashedAtNs = hashedAtNs;
            Hash = hash;
        }

        public FileStamp Stamp { get; }
        public string Normalization { get; }
        public long HashedAtNs { get; }
        public ContentHash Hash { get; }
    }
}
