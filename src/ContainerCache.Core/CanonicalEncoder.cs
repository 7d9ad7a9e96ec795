using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Hashing;
using System.Text;

namespace ContainerCache;

/// <summary>
/// Writes the canonical encoding of the key's inputs into a buffer, hashed once at the end. Every
/// field is fixed-width or length-prefixed, so no two different inputs share an encoding.
/// </summary>
internal sealed class CanonicalEncoder
{
    private byte[] _buffer = new byte[256];
    private int _length;

    /// <summary>The encoding written so far.</summary>
    public ReadOnlySpan<byte> Written => new(_buffer, 0, _length);

    // Each writer reserves first: Reserve may replace _buffer.
    public void WriteByte(byte value)
    {
        int offset = Reserve(1);
        _buffer[offset] = value;
    }

    public void WriteUInt32(uint value)
    {
        int offset = Reserve(4);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(offset), value);
    }

    public void WriteInt64(long value)
    {
        int offset = Reserve(8);
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(offset), value);
    }

    public void WriteBytes(byte[] value)
    {
        int offset = Reserve(value.Length);
        value.CopyTo(_buffer, offset);
    }

    public void WriteString(string value)
    {
        int count = Encoding.UTF8.GetByteCount(value);
        WriteUInt32((uint)count);
        int offset = Reserve(count);
        Encoding.UTF8.GetBytes(value, 0, value.Length, _buffer, offset);
    }

    /// <summary>The XxHash128 of the encoding, in the canonical (big-endian) byte order.</summary>
    public byte[] Hash()
    {
#if NET
        // Not XxHash128.Hash: in a fresh process its block loop runs at tier 0 (see XxHash128Stream).
        var hash = new byte[16];
        XxHash128Stream.Hash(new MemoryStream(_buffer, 0, _length, writable: false), new byte[16 * 1024], hash);
        return hash;
#else
        return XxHash128.Hash(Written);
#endif
    }

    /// <summary>Makes room for <paramref name="count"/> more bytes; returns where they go.</summary>
    private int Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        int offset = _length;
        _length += count;
        return offset;
    }
}
