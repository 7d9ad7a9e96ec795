using System.Buffers.Binary;
using System.IO.Hashing;
using BenchmarkDotNet.Attributes;
using ContainerCache.Hashing;

namespace ContainerCache.Benchmarks;

/// <summary>
/// XXH3-128 over a 64 MiB in-memory stream, read through the same 1 MiB buffer: the package's own
/// streaming loop (<see cref="XxHash128Stream"/>) against System.IO.Hashing's
/// <see cref="XxHash128.Append(ReadOnlySpan{byte})"/> (the peer, Baseline). No disk, no page cache:
/// the hash loop and the copy out of the stream only.
/// </summary>
[MemoryDiagnoser]
public class StreamHashBenchmarks
{
    private const int Length = 64 << 20;
    private const int BufferSize = 1 << 20; // the package's buffer size (FileHasher)

    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly byte[] _hash = new byte[16];
    private readonly XxHash128 _hasher = new();
    private byte[] _data = [];
    private MemoryStream _stream = new();

    [GlobalSetup]
    public void CreateStream()
    {
        _data = new byte[Length];
        new SplitMix64(0x57AEA4UL).Fill(_data);
        _stream = new MemoryStream(_data, writable: false);

        UInt128 expected = XxHash128.HashToUInt128(_data);
        Check(nameof(SystemIoHashingAppend), SystemIoHashingAppend(), expected);
        Check(nameof(PackageXxHash128Stream), PackageXxHash128Stream(), expected);
    }

    [GlobalSetup(Target = nameof(PackageXxHash128StreamPortable))]
    public void CreateStreamWithoutAvx2()
    {
        CreateStream();
        XxHash128Stream.UseAvx2 = false; // this process runs only this benchmark
        Check(nameof(PackageXxHash128StreamPortable), PackageXxHash128StreamPortable(), XxHash128.HashToUInt128(_data));
    }

    /// <summary>The peer: System.IO.Hashing's XxHash128.Append, chunk by chunk.</summary>
    [Benchmark(Baseline = true)]
    public UInt128 SystemIoHashingAppend()
    {
        _stream.Position = 0;
        int read;
        while ((read = _stream.Read(_buffer, 0, _buffer.Length)) > 0)
        {
            _hasher.Append(new ReadOnlySpan<byte>(_buffer, 0, read));
        }

        UInt128 hash = _hasher.GetCurrentHashAsUInt128();
        _hasher.Reset();
        return hash;
    }

    /// <summary>The package's streaming XXH3-128, as FileHasher calls it (AVX2 where the CPU has it).</summary>
    [Benchmark]
    public UInt128 PackageXxHash128Stream()
    {
        _stream.Position = 0;
        XxHash128Stream.Hash(_stream, _buffer, _hash);
        return BinaryPrimitives.ReadUInt128BigEndian(_hash);
    }

    /// <summary>The fallback loop of machines without AVX2 (Arm, older x64); the same as above where AVX2 is missing.</summary>
    [Benchmark]
    public UInt128 PackageXxHash128StreamPortable() => PackageXxHash128Stream();

    /// <summary>A reference, not a peer of a stream: one call over the whole array, no copy.</summary>
    [Benchmark]
    public UInt128 SystemIoHashingOneShot() => XxHash128.HashToUInt128(_data);

    private static void Check(string method, UInt128 actual, UInt128 expected)
    {
        if (actual != expected)
        {
            throw new InvalidOperationException($"{method} hashed the stream to {actual:x32}, System.IO.Hashing to {expected:x32}.");
        }
    }
}
