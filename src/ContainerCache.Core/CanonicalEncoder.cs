using System;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace ContainerCache;

/// <summary>
/// Writes the canonical encoding of the key's inputs straight into a hash. Every field is
/// fixed-width or length-prefixed, so no two different inputs share an encoding.
/// </summary>
internal sealed class CanonicalEncoder
{
    private readonly NonCryptographicHashAlgorithm _hash;
    private readonly byte[] _scratch = new byte[8];

    public CanonicalEncoder(NonCryptographicHashAlgorithm hash) => _hash = hash;

    public void WriteByte(byte value)
    {
        _scratch[0] = value;
        _hash.Append(new ReadOnlySpan<byte>(_scratch, 0, 1));
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_scratch, value);
        _hash.Append(new ReadOnlySpan<byte>(_scratch, 0, 4));
    }

    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_scratch, value);
        _hash.Append(new ReadOnlySpan<byte>(_scratch, 0, 8));
    }

    public void WriteBytes(byte[] value) => _hash.Append(value);

    public void WriteString(string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        WriteUInt32((uint)bytes.Length);
        _hash.Append(bytes);
    }
}
