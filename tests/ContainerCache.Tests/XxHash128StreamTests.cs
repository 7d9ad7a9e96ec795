using System.IO.Hashing;
using ContainerCache.Hashing;

namespace ContainerCache.Tests;

/// <summary>
/// The package's own streaming XXH3-128 (fast from a cold start) must agree with
/// System.IO.Hashing's, and so with <c>xxh128sum</c>, for every length, buffer and read pattern.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class XxHash128StreamTests
{
    private static readonly int[] Buffers = [1024, 1088, 4096, 65536, 1 << 20];

    public static IEnumerable<object[]> Paths => [[true], [false]];

    [TestMethod]
    [DynamicData(nameof(Paths))]
    public void AgreesWithSystemIOHashing_AtEveryBoundary(bool avx2)
    {
        var lengths = new SortedSet<int>();
        for (int i = 0; i <= 300; i++)
        {
            lengths.Add(i);
        }

        foreach (int stripes in new[] { 15, 16, 17, 31, 32, 33, 64, 255, 256, 257, 1024, 16_384 })
        {
            foreach (int delta in new[] { -65, -64, -63, -1, 0, 1, 63, 64, 65 })
            {
                lengths.Add(Math.Max(0, (stripes * 64) + delta));
            }
        }

        Check(avx2, lengths);
    }

    [TestMethod]
    [DynamicData(nameof(Paths))]
    public void AgreesWithSystemIOHashing_AtRandomLengths(bool avx2)
    {
        // Past the boundaries above (the largest is 16,384 stripes, 1 MiB), lengths anywhere up to
        // 3 MiB: a third of them draw a length under 64 KiB, where most buffer sizes split a block.
        var random = new Random(20261123);
        Check(avx2, Enumerable.Range(0, 24).Select(i => random.Next(0, i % 3 == 0 ? 64 << 10 : 3 << 20)));
    }

    private static void Check(bool avx2, IEnumerable<int> lengths)
    {
        if (avx2 && !XxHash128Stream.UseAvx2)
        {
            Assert.Inconclusive("This machine has no AVX2.");
        }

        bool saved = XxHash128Stream.UseAvx2;
        XxHash128Stream.UseAvx2 = avx2;
        try
        {
            var random = new Random(7);
            foreach (int length in lengths)
            {
                byte[] data = new byte[length];
                random.NextBytes(data);
                byte[] expected = XxHash128.Hash(data);
                foreach (int bufferSize in Buffers)
                {
                    foreach (bool shortReads in new[] { false, true })
                    {
                        using Stream stream = shortReads ? new ShortReads(data, random.Next()) : new MemoryStream(data);
                        byte[] actual = new byte[16];
                        long read = XxHash128Stream.Hash(stream, new byte[bufferSize], actual);
                        Assert.AreEqual(length, read);
                        CollectionAssert.AreEqual(expected, actual, $"length {length}, buffer {bufferSize}, short reads {shortReads}, AVX2 {avx2}");
                    }
                }
            }
        }
        finally
        {
            XxHash128Stream.UseAvx2 = saved;
        }
    }

    /// <summary>A stream that answers each read with a random number of bytes, as pipes and some file systems do.</summary>
    private sealed class ShortReads(byte[] data, int seed) : MemoryStream(data)
    {
        private readonly Random _random = new(seed);

        public override int Read(byte[] buffer, int offset, int count) =>
            base.Read(buffer, offset, count == 0 ? 0 : _random.Next(1, count + 1));
    }
}
