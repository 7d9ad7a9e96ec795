using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace ContainerCache.Benchmarks;

/// <summary>
/// The benchmark trees, for these benchmarks and for tests/benchmarks/keying.sh (which writes them
/// with <c>write-tree KIND DIR</c>), by one recipe (seeded SplitMix64): the same names, sizes and
/// bytes on every machine, pseudo-random content, not zeros.
/// </summary>
internal static class BenchmarkTree
{
    /// <summary>200 MiB in 2,000 files: 1,996 of 50-100 KiB in 20 folders, and 4 large files.</summary>
    public const string Large = "large";

    /// <summary>20,000 files of 1-4 KiB, 2 to 4 folders deep (a large wwwroot).</summary>
    public const string Small = "small";

    /// <summary>10 files of 1-64 KiB, for the memory check.</summary>
    public const string Tiny = "tiny";

    /// <summary>How many files the tree KIND has, and their total size.</summary>
    public static (int Files, long Bytes) Measure(string kind)
    {
        List<(string Path, int Size)> files = Files(kind);
        return (files.Count, files.Sum(f => (long)f.Size));
    }

    /// <summary>Writes the tree KIND into <paramref name="root"/> (by default a new folder under the temporary directory) and returns it.</summary>
    public static string Write(string kind, string? root = null)
    {
        root ??= Path.Combine(Path.GetTempPath(), $"containercache-bench-{kind}-{Guid.NewGuid():N}");
        var buffer = new byte[1 << 20];
        IReadOnlyList<(string Path, int Size)> files = Files(kind);
        for (int f = 0; f < files.Count; f++)
        {
            var (relative, size) = files[f];
            string path = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var content = new SplitMix64(((ulong)f + 1) * 0x9E3779B97F4A7C15UL ^ (ulong)size);
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1);
            for (int left = size; left > 0;)
            {
                int n = Math.Min(left, buffer.Length);
                content.Fill(buffer.AsSpan(0, n));
                stream.Write(buffer, 0, n);
                left -= n;
            }
        }

        // Written back now, not by the kernel's flusher in the middle of a measurement; the
        // files stay in the page cache, so every benchmark reads a warm tree.
        if (!OperatingSystem.IsWindows())
        {
            Sync();
        }

        return root;
    }

    public static void Delete(string? root)
    {
        if (root is not null && Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static List<(string Path, int Size)> Files(string kind)
    {
        var files = new List<(string Path, int Size)>();
        if (kind == Large)
        {
            var random = new SplitMix64(0xA11CEUL);
            for (int i = 0; i < 1996; i++)
            {
                files.Add(($"lib{i % 20:D2}/Assembly.{i:D4}.dll", 50 * 1024 + (int)random.Next(50 * 1024 + 1)));
            }

            // The first large file takes what makes the total exactly 200 MiB.
            long rest = files.Sum(f => (long)f.Size);
            int[] big = [0, 16 << 20, 12 << 20, 8 << 20];
            big[0] = (int)((200L << 20) - rest - big[1] - big[2] - big[3]);
            for (int i = 0; i < big.Length; i++)
            {
                files.Add(($"runtimes/linux-x64/native/libbig{i}.so", big[i]));
            }
        }
        else if (kind == Small)
        {
            var random = new SplitMix64(0x5EEDUL);
            string[] extensions = ["js", "css", "html", "svg", "json", "map"];
            for (int i = 0; i < 20000; i++)
            {
                string directory = $"wwwroot/area{i % 10}/sec{i / 10 % 20:D2}";
                if (i % 3 == 1)
                {
                    directory += $"/part{i / 200 % 5}";
                }

                if (i % 9 == 4)
                {
                    directory += $"/deep{i / 1000 % 4}";
                }

                files.Add(($"{directory}/asset{i:D5}.{extensions[i % extensions.Length]}", 1024 + (int)random.Next(3 * 1024 + 1)));
            }
        }
        else if (kind == Tiny)
        {
            var random = new SplitMix64(0x7117UL);
            for (int i = 0; i < 10; i++)
            {
                files.Add(($"file{i}.bin", 1024 + (int)random.Next(63 * 1024 + 1)));
            }
        }
        else
        {
            throw new ArgumentException($"No benchmark tree '{kind}'.", nameof(kind));
        }

        return files;
    }

    [DllImport("libc", EntryPoint = "sync")]
    private static extern void Sync();
}

/// <summary>SplitMix64: a tiny seeded generator, for content that is the same on every machine.</summary>
internal sealed class SplitMix64(ulong state)
{
    public ulong NextRaw()
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong Next(ulong bound) => NextRaw() % bound;

    /// <summary>Little-endian 64-bit values; a tail of fewer than 8 bytes takes the low bytes of one.</summary>
    public void Fill(Span<byte> destination)
    {
        int j = 0;
        for (; j + 8 <= destination.Length; j += 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination.Slice(j), NextRaw());
        }

        if (j < destination.Length)
        {
            ulong v = NextRaw();
            for (; j < destination.Length; j++, v >>= 8)
            {
                destination[j] = (byte)v;
            }
        }
    }
}
