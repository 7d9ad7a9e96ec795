using System.Buffers.Binary;
using System.IO.Hashing;
using BenchmarkDotNet.Attributes;
using ContainerCache.Hashing;
using ContainerCache.Keys;
using ContainerCache.PublishOutput;

namespace ContainerCache.Benchmarks;

/// <summary>
/// Hashing every file of a publish directory, warm page cache. The peer (Baseline) is what a user
/// would write with System.IO.Hashing: enumerate, open each file, stream it through
/// <see cref="XxHash128.Append(ReadOnlySpan{byte})"/> with one reused buffer, one file at a time.
/// Every method enumerates the tree itself, as the package does.
/// </summary>
[MemoryDiagnoser]
public class FileTreeBenchmarks
{
    private const int BufferSize = 1 << 20; // the package's buffer size (FileHasher)

    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly XxHash128 _hasher = new();
    private string? _root;
    private string? _hashCache;

    [Params(BenchmarkTree.Large, BenchmarkTree.Small)]
    public string Tree { get; set; } = BenchmarkTree.Large;

    [GlobalSetup]
    public void WriteTree()
    {
        _root = BenchmarkTree.Write(Tree);

        // Every method must see the same files and compute the same per-file hashes.
        UInt128 expected = SystemIoHashingSerial();
        Check(nameof(SystemIoHashingParallelReadAllBytes), SystemIoHashingParallelReadAllBytes(), expected);
        Check(nameof(PackageFileHasherHashAll), Fold((ContentHash[])PackageFileHasherHashAll()), expected);
        int files = Directory.GetFiles(_root, "*", SearchOption.AllDirectories).Length;
        int keyed = ((ContentKey)PackageContentKeyCompute()).FileCount;
        if (keyed != files)
        {
            throw new InvalidOperationException($"ContentKey.Compute keyed {keyed} files, the tree has {files}.");
        }

        // The hash cache trusts only files that changed 2 s or more before they were hashed.
        _hashCache = _root.TrimEnd(Path.DirectorySeparatorChar) + ".hashes";
        Thread.Sleep(2100);
        HashCache cache = HashCache.Open(_hashCache);
        string key = ContentKey.Compute(_root, Array.Empty<ContainerSetting>(), cache: cache).Key;
        if (cache.Save() is string error)
        {
            throw new InvalidOperationException(error);
        }

        HashCache reopened = HashCache.Open(_hashCache);
        ContentKey incremental = ContentKey.Compute(_root, Array.Empty<ContainerSetting>(), cache: reopened);
        if (incremental.Key != key || (HashCache.Supported && reopened.Reused != files))
        {
            throw new InvalidOperationException($"The incremental key read {reopened.Hashed} files and gave {incremental.Key}; the full key is {key}.");
        }
    }

    [GlobalCleanup]
    public void DeleteTree()
    {
        BenchmarkTree.Delete(_root);
        if (_hashCache is not null)
        {
            File.Delete(_hashCache);
        }
    }

    /// <summary>The peer: System.IO.Hashing's XxHash128, one file at a time, one reused buffer.</summary>
    [Benchmark(Baseline = true)]
    public UInt128 SystemIoHashingSerial()
    {
        UInt128 fold = 0;
        foreach (string path in Directory.EnumerateFiles(_root!, "*", SearchOption.AllDirectories))
        {
            using FileStream stream = File.OpenRead(path);
            int read;
            while ((read = stream.Read(_buffer, 0, _buffer.Length)) > 0)
            {
                _hasher.Append(new ReadOnlySpan<byte>(_buffer, 0, read));
            }

            fold ^= _hasher.GetCurrentHashAsUInt128();
            _hasher.Reset();
        }

        return fold;
    }

    /// <summary>Another way a user might write it: XxHash128.Hash(File.ReadAllBytes(path)) over Parallel.For.</summary>
    [Benchmark]
    public UInt128 SystemIoHashingParallelReadAllBytes()
    {
        string[] paths = Directory.GetFiles(_root!, "*", SearchOption.AllDirectories);
        UInt128 fold = 0;
        var gate = new object();
        Parallel.For(
            0,
            paths.Length,
            () => UInt128.Zero,
            (i, _, local) => local ^ XxHash128.HashToUInt128(File.ReadAllBytes(paths[i])),
            local =>
            {
                lock (gate)
                {
                    fold ^= local;
                }
            });
        return fold;
    }

    // The core's types are internal, and a benchmark method is public: the results are returned as objects.

    /// <summary>The package's whole key: enumerate, hash, encode (what the task calls).</summary>
    [Benchmark]
    public object PackageContentKeyCompute() => ContentKey.Compute(_root!, Array.Empty<ContainerSetting>());

    /// <summary>
    /// The package's whole key of an unchanged tree with its hash cache (the default in a build,
    /// Linux only): enumerate, read the cache, stat every file, encode; no file is read.
    /// </summary>
    [Benchmark]
    public object PackageContentKeyComputeIncremental() =>
        ContentKey.Compute(_root!, Array.Empty<ContainerSetting>(), cache: HashCache.Open(_hashCache!));

    /// <summary>The package's enumeration and parallel file hashing, without the key's encoding.</summary>
    [Benchmark]
    public object PackageFileHasherHashAll() => FileHasher.HashAll(PublishDirectory.Enumerate(_root!));

    private static UInt128 Fold(ContentHash[] hashes)
    {
        UInt128 fold = 0;
        foreach (ContentHash hash in hashes)
        {
            if (hash.Hash is not null) // directories have no content hash
            {
                fold ^= BinaryPrimitives.ReadUInt128BigEndian(hash.Hash);
            }
        }

        return fold;
    }

    private static void Check(string method, UInt128 actual, UInt128 expected)
    {
        if (actual != expected)
        {
            throw new InvalidOperationException($"{method} hashed the tree to {actual:x32}, the peer to {expected:x32}.");
        }
    }
}
