using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using ContainerCache.Hashing;

namespace ContainerCache.Tests;

[TestClass]
public sealed class CanonicalEncoderTests
{
    /// <summary>Across the encoder's 64 KiB chunks: the same bytes as one plain buffer, and their XxHash128.</summary>
    [TestMethod]
    [DataRow(0)]
    [DataRow(100)]
    [DataRow(70_000)]
    [DataRow(300_000)]
    public void ChunkedEncoding_IsThePlainEncoding_AndHashesLikeIt(int approximateBytes)
    {
        var random = new Random(approximateBytes);
        var encoder = new CanonicalEncoder();
        var plain = new MemoryStream();
        Span<byte> scratch = stackalloc byte[8];
        while (plain.Length < approximateBytes)
        {
            switch (random.Next(5))
            {
                case 0:
                    byte b = (byte)random.Next(256);
                    encoder.WriteByte(b);
                    plain.WriteByte(b);
                    break;
                case 1:
                    uint u = (uint)random.Next();
                    encoder.WriteUInt32(u);
                    BinaryPrimitives.WriteUInt32LittleEndian(scratch, u);
                    plain.Write(scratch[..4]);
                    break;
                case 2:
                    long l = random.NextInt64();
                    encoder.WriteInt64(l);
                    BinaryPrimitives.WriteInt64LittleEndian(scratch, l);
                    plain.Write(scratch);
                    break;
                case 3:
                    byte[] bytes = new byte[random.Next(40)];
                    random.NextBytes(bytes);
                    encoder.WriteBytes(bytes);
                    plain.Write(bytes);
                    break;
                default:
                    string text = new string('é', random.Next(3)) + new string('x', random.Next(5000));
                    byte[] utf8 = Encoding.UTF8.GetBytes(text);
                    encoder.WriteString(text);
                    BinaryPrimitives.WriteUInt32LittleEndian(scratch, (uint)utf8.Length);
                    plain.Write(scratch[..4]);
                    plain.Write(utf8);
                    break;
            }
        }

        CollectionAssert.AreEqual(plain.ToArray(), encoder.ToArray());
        CollectionAssert.AreEqual(XxHash128.Hash(plain.ToArray()), encoder.Hash());
    }
}
