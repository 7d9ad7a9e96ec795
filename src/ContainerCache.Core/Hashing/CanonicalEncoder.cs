using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Hashing;
using System.Text;

namespace ContainerCache.Hashing;

/// <summary>
/// Writes the canonical encoding of the key's inputs into a buffer, hashed once at the end. Every
/// field is fixed-width or length-prefixed, so no two different inputs share an encoding.
/// </summary>
/// <remarks>
/// The buffer is a list of chunks of at most 64 KiB: the encoding of a large publish directory
/// (MiBs) in one array would be a large-object allocation, and in MSBuild's big heap those set off
/// full garbage collections.
/// </remarks>
internal sealed class CanonicalEncoder
{
    private const int ChunkSize = 64 * 1024;

    private readonly List<byte[]> _full = new();
    private byte[] _current = new byte[256];
    private int _length;

    public void WriteByte(byte value)
    {
        Span<byte> bytes = stackalloc byte[1];
        bytes[0] = value;
        Write(bytes);
    }

    public void WriteUInt32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        Write(bytes);
    }

    public void WriteInt64(long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        Write(bytes);
    }

    public void WriteBytes(byte[] value) => Write(value);

    public void WriteString(string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        WriteUInt32((uint)bytes.Length);
        Write(bytes);
    }

    /// <summary>The encoding written so far, in one array (for small encodings, such as one setting's).</summary>
    public byte[] ToArray()
    {
        using var all = new MemoryStream();
        foreach (byte[] chunk in _full)
        {
            all.Write(chunk, 0, chunk.Length);
        }

        all.Write(_current, 0, _length);
        return all.ToArray();
    }

    /// <summary>The XxHash128 of the encoding, in the canonical (big-endian) byte order.</summary>
    public byte[] Hash()
    {
#if NET
        // Not System.IO.Hashing: in a fresh process its block loop runs at tier 0 (see XxHash128Stream).
        var hash = new byte[16];
        XxHash128Stream.Hash(new Reader(this), new byte[16 * 1024], hash);
        return hash;
#else
        var hash = new XxHash128();
        foreach (byte[] chunk in _full)
        {
            hash.Append(chunk);
        }

        hash.Append(new ReadOnlySpan<byte>(_current, 0, _length));
        return hash.GetHashAndReset();
#endif
    }

    private void Write(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            if (_length == _current.Length)
            {
                if (_current.Length < ChunkSize)
                {
                    Array.Resize(ref _current, Math.Min(_current.Length * 2, ChunkSize));
                }
                else
                {
                    _full.Add(_current);
                    _current = new byte[ChunkSize];
                    _length = 0;
                }
            }

            int count = Math.Min(data.Length, _current.Length - _length);
            data.Slice(0, count).CopyTo(_current.AsSpan(_length));
            _length += count;
            data = data.Slice(count);
        }
    }

    /// <summary>Reads the encoding from its first chunk to its last.</summary>
    private sealed class Reader : Stream
    {
        private readonly CanonicalEncoder _encoder;
        private int _chunk;
        private int _offset;

        public Reader(CanonicalEncoder encoder) => _encoder = encoder;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            while (true)
            {
                bool last = _chunk == _encoder._full.Count;
                byte[] chunk = last ? _encoder._current : _encoder._full[_chunk];
                int available = (last ? _encoder._length : chunk.Length) - _offset;
                if (available > 0)
                {
                    int read = Math.Min(available, count);
                    Buffer.BlockCopy(chunk, _offset, buffer, offset, read);
                    _offset += read;
                    return read;
                }

                if (last)
                {
                    return 0;
                }

                _chunk++;
                _offset = 0;
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
