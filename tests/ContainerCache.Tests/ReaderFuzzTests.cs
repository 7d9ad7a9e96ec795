using System.Formats.Tar;
using System.Text;
using ContainerCache.Hashing;
using ContainerCache.Keys;
using ContainerCache.Registry;
using ContainerCache.Tasks;

namespace ContainerCache.Tests;

/// <summary>
/// Every file the package reads, given any bytes at all: random ones, and valid files flipped,
/// truncated and spliced. The hash cache is the package's own, so whatever it holds is ignored;
/// a key file either reads or is a <see cref="FormatException"/>, which the key task reports as
/// CONTAINERCACHE1008 for a named baseline; an image archive either reads or is a
/// <see cref="RegistryException"/>, a miss. The seeds are fixed: a failure names its seed and case.
/// </summary>
[TestClass]
public sealed class ReaderFuzzTests
{
    private const int Cases = 2000;

    [TestMethod]
    public void HashCache_AnyBytes_AreReadOrIgnored_NeverThrown()
    {
        RequireStamps();
        using var dir = Tree();
        using var obj = new TempDirectory();
        byte[] valid = ValidHashCache(dir, obj);
        string file = obj.Combine("fuzzed");
        string uncached = ContentKey.Compute(dir.Path, []).Key;

        var random = new Random(11);
        for (int i = 0; i < Cases; i++)
        {
            // Half random bytes, some behind a valid header so that the records are reached; half mutations.
            byte[] bytes = i % 2 == 0 ? Mutate(valid, random) : RandomBytes(random, i % 4 == 1 ? Header() : []);

            HashCache cache = ReadOrFail(file, bytes, $"seed 11, case {i}");
            if (i % 2 == 1)
            {
                Assert.IsNotNull(cache.IgnoredBecause, $"case {i}: random bytes are not a cache.");
                if (i % 50 == 1)
                {
                    Assert.AreEqual(uncached, ContentKey.Compute(dir.Path, [], cache: cache).Key, $"case {i}: an ignored cache changes no key.");
                }
            }
        }
    }

    [TestMethod]
    public void HashCache_EveryTruncation_IsIgnored()
    {
        RequireStamps();
        using var dir = Tree();
        using var obj = new TempDirectory();
        byte[] valid = ValidHashCache(dir, obj);
        string file = obj.Combine("truncated");
        for (int length = 0; length < valid.Length; length++)
        {
            Assert.IsNotNull(ReadOrFail(file, valid.AsSpan(0, length).ToArray(), $"{length} bytes").IgnoredBecause, $"{length} of {valid.Length} bytes");
        }

        Assert.IsNull(ReadOrFail(file, valid, "the whole file").IgnoredBecause);
        File.WriteAllBytes(file, valid.AsSpan(0, valid.Length - 1).ToArray());
        Assert.IsNotNull(HashCache.Open(file).IgnoredBecause, "On disk too.");
    }

    [TestMethod]
    [DataRow(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, DisplayName = "0xFF bytes: a malformed string length (was a FormatException)")]
    [DataRow(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x41 }, DisplayName = "a 2 GiB string length")]
    [DataRow(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 }, DisplayName = "a string length of six bytes")]
    [DataRow(new byte[0], DisplayName = "empty")]
    public void HashCache_KnownBadFiles_AreIgnoredWithoutLargeAllocations(byte[] bytes)
    {
        RequireStamps();
        using var obj = new TempDirectory();
        string file = obj.Combine("hashes");
        File.WriteAllBytes(file, bytes);
        AssertIgnoredCheaply(file);
    }

    [TestMethod]
    public void HashCache_HugeCountOrStringLengthAfterAValidHeader_IsIgnoredWithoutLargeAllocations()
    {
        RequireStamps();
        using var obj = new TempDirectory();
        string file = obj.Combine("hashes");

        File.WriteAllBytes(file, [.. Header(), .. BitConverter.GetBytes(int.MaxValue), 0]);
        AssertIgnoredCheaply(file);

        File.WriteAllBytes(file, [.. Header(), .. BitConverter.GetBytes(1), 0xFF, 0xFF, 0xFF, 0xFF, 0x07, .. new byte[100]]);
        AssertIgnoredCheaply(file);
    }

    [TestMethod]
    public void HashCache_ADirectoryInItsPlace_IsIgnored_AndSavingSaysWhy()
    {
        RequireStamps();
        using var dir = Tree();
        using var obj = new TempDirectory();
        string file = obj.Combine("hashes");
        Directory.CreateDirectory(file);

        HashCache cache = HashCache.Open(file);
        StringAssert.Contains(cache.IgnoredBecause, "not a regular file");
        Assert.AreEqual(ContentKey.Compute(dir.Path, []).Key, ContentKey.Compute(dir.Path, [], cache: cache).Key);
        StringAssert.Contains(cache.Save(), file, "The cache only saves work: it cannot be written, and says so.");
    }

    [TestMethod]
    public void KeyFileAndJson_AnyText_ReadsOrIsAFormatException()
    {
        using var dir = Tree();
        string valid = KeyFile.Serialize(ContentKey.Compute(dir.Path, [new ContainerSetting("env:A", ["x"])]), "r.example/base:1", "sha256:" + new string('c', 64));
        Assert.IsNotNull(KeyFile.Read(valid));

        var random = new Random(23);
        for (int i = 0; i < Cases; i++)
        {
            string text = (i % 4) switch
            {
                0 => Mutate(valid, random),
                1 => RandomKeyFile(random),
                2 => RandomTokens(random),
                _ => Encoding.UTF8.GetString(RandomBytes(random, [])),
            };

            ReadOrFormatException(text, $"seed 23, case {i}");
        }
    }

    [TestMethod]
    [DataRow("""{"schemaVersion": 2, "key": "k", "files": [{"path": "a", "kind": "file", "size": 1e300}], "settings": []}""", DisplayName = "size 1e300")]
    [DataRow("""{"schemaVersion": 2, "key": "k", "files": [{"path": "a", "kind": "file", "size": -1}], "settings": []}""", DisplayName = "size -1")]
    [DataRow("""{"schemaVersion": 2, "key": "k", "files": [{"path": "a", "kind": "file", "size": 1.5}], "settings": []}""", DisplayName = "size 1.5")]
    [DataRow("""{"schemaVersion": 2, "key": "k", "keyFormatVersion": -1, "files": [], "settings": []}""", DisplayName = "keyFormatVersion -1")]
    [DataRow("""{"schemaVersion": 2, "key": "k", "keyFormatVersion": 1e400, "files": [], "settings": []}""", DisplayName = "keyFormatVersion infinite")]
    [DataRow("""{"schemaVersion": 2.5, "key": "k", "files": [], "settings": []}""", DisplayName = "schemaVersion 2.5")]
    [DataRow("""{"schemaVersion": 4294967298, "key": "k", "files": [], "settings": []}""", DisplayName = "schemaVersion 2^32 + 2")]
    [DataRow("""{"schemaVersion": 2, "key": "k", "files": [1, "x", null], "settings": []}""", DisplayName = "files of other types")]
    [DataRow("""{"schemaVersion": 2, "key": "k", "files": [], "settings": [{"name": 1}]}""", DisplayName = "a setting's name a number")]
    [DataRow("""{"schemaVersion": 2, "key": 2, "files": [], "settings": []}""", DisplayName = "the key a number")]
    public void KeyFile_NumbersAndTypesThatACastWouldWrap_AreFormatExceptions(string text)
    {
        Assert.ThrowsExactly<FormatException>(() => KeyFile.Read(text));
    }

    [TestMethod]
    public void Json_DeepObjectsAndMixedNesting_AreRefusedNotAStackOverflow()
    {
        Assert.ThrowsExactly<FormatException>(() => Json.Parse(string.Concat(Enumerable.Repeat("{\"a\":", 100_000))));
        Assert.ThrowsExactly<FormatException>(() => Json.Parse(string.Concat(Enumerable.Repeat("[{\"a\":", 50_000))));
        Assert.ThrowsExactly<FormatException>(() => KeyFile.Read(string.Concat(Enumerable.Repeat("[", 100_000)) + string.Concat(Enumerable.Repeat("]", 100_000))));
    }

    [TestMethod]
    public void ExplicitBaseline_AnyContent_IsCONTAINERCACHE1008_OrAnExplanation()
    {
        using var dir = Tree();
        using var obj = new TempDirectory();
        string valid = KeyFile.Serialize(ContentKey.Compute(dir.Path, []));
        string baseline = obj.Combine("baseline.json");

        var random = new Random(37);
        for (int i = 0; i < 120; i++)
        {
            byte[] bytes = (i % 3) switch
            {
                0 => Encoding.UTF8.GetBytes(Mutate(valid, random)),
                1 => Encoding.UTF8.GetBytes(RandomKeyFile(random)),
                _ => RandomBytes(random, []),
            };
            File.WriteAllBytes(baseline, bytes);

            var engine = new RecordingBuildEngine();
            var task = new ComputeContainerCacheKey
            {
                BuildEngine = engine,
                Inputs = KeyInputItems.Of(dir.Path),
                KeyFile = obj.Combine("container-cache.json"),
                Baseline = baseline,
                BaselineIsExplicit = true,
            };

            bool succeeded = task.Execute();
            string codes = string.Join(", ", engine.Errors.Select(e => e.Code));
            Assert.IsTrue(succeeded ? engine.Errors.Count == 0 : engine.Errors.Count == 1 && engine.Errors[0].Code == "CONTAINERCACHE1008", $"seed 37, case {i}: {codes}\n{engine.Describe()}\n{Shorten(Encoding.UTF8.GetString(bytes))}");
            Assert.AreEqual(0, engine.Warnings.Count, engine.Describe());
        }
    }

    [TestMethod]
    public void ImageArchive_AnyBytesOrMetadata_ReadsOrIsARegistryException()
    {
        using var dir = new TempDirectory();
        string file = dir.Combine("image.tar");
        const string config = """{"architecture":"amd64","os":"linux","config":{"Labels":{"dev.containercache.key":"0123456789abcdef0123456789abcdef"}}}""";
        const string manifest = """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"CONFIG","size":1},"layers":[]}""";
        const string index = """{"schemaVersion":2,"manifests":[{"digest":"MANIFEST","annotations":{"io.containerd.image.name":"docker.io/library/app:1"}}]}""";
        const string docker = """[{"Config":"abc.json","RepoTags":["app:latest"],"Layers":[]}]""";
        byte[] valid = OciArchive(config, manifest.Replace("CONFIG", Digest(config), StringComparison.Ordinal), index);
        File.WriteAllBytes(file, valid);
        Assert.IsNotNull(ImageArchive.Read(file));

        var random = new Random(41);
        for (int i = 0; i < 300; i++)
        {
            // The metadata mutated with its digests made to match, so that the reader gets past them; or the tar's bytes.
            byte[] bytes = (i % 5) switch
            {
                0 => OciArchive(config, Mutate(manifest, random).Replace("CONFIG", Digest(config), StringComparison.Ordinal), index),
                1 => OciArchive(Mutate(config, random), manifest.Replace("CONFIG", Digest(config), StringComparison.Ordinal), index),
                2 => OciArchive(config, manifest.Replace("CONFIG", Digest(config), StringComparison.Ordinal), Mutate(index, random)),
                3 => Tar(("abc.json", Mutate(config, random)), ("manifest.json", Mutate(docker, random))),
                _ => Mutate(valid, random),
            };
            File.WriteAllBytes(file, bytes);

            try
            {
                ImageArchive.Read(file);
            }
            catch (RegistryException)
            {
            }
            catch (Exception e)
            {
                throw new AssertFailedException($"seed 41, case {i}: {e.GetType().Name}: {e.Message}", e);
            }
        }

        File.WriteAllBytes(file, OciArchive(config, manifest.Replace("CONFIG", "x", StringComparison.Ordinal), index));
        StringAssert.Contains(Assert.ThrowsExactly<RegistryException>(() => ImageArchive.Read(file)).Message, "'x', which is not a sha256 digest");
    }

    private static string Digest(string text) => RegistryClient.Sha256Digest(Encoding.UTF8.GetBytes(text));

    /// <summary>An OCI layout whose index names the manifest by its digest, whatever the manifest holds.</summary>
    private static byte[] OciArchive(string config, string manifest, string index) =>
        Tar(
            ("oci-layout", """{"imageLayoutVersion":"1.0.0"}"""),
            ("blobs/sha256/" + Digest(config)[7..], config),
            ("blobs/sha256/" + Digest(manifest)[7..], manifest),
            ("index.json", index.Replace("MANIFEST", Digest(manifest), StringComparison.Ordinal)));

    private static byte[] Tar(params (string Name, string Content)[] entries)
    {
        using var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });
            }
        }

        return stream.ToArray();
    }

    private static void RequireStamps()
    {
        if (!FileStamp.Supported)
        {
            Assert.Inconclusive("File stamps (statx) are read on Linux only; elsewhere nothing is cached.");
        }
    }

    private static TempDirectory Tree()
    {
        var dir = new TempDirectory();
        dir.Write("app.dll", "app bytes");
        dir.Write("wwwroot/site.css", "body{}");
        return dir;
    }

    /// <summary>A cache of the tree, hashed as if long after its files changed, so that it holds every file.</summary>
    private static byte[] ValidHashCache(TempDirectory dir, TempDirectory obj)
    {
        string file = obj.Combine("valid");
        HashCache cache = HashCache.Open(file);
        cache.Clock = () => HashCache.NowNs() + 10_000_000_000L;
        ContentKey.Compute(dir.Path, [], cache: cache);
        Assert.IsNull(cache.Save());
        return File.ReadAllBytes(file);
    }

    /// <summary>What <see cref="HashCache.Save"/> writes first.</summary>
    private static byte[] Header()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write("ContainerCache.HashCache");
            writer.Write(HashCache.Version);
            writer.Write(ContentKey.FormatVersion);
        }

        return stream.ToArray();
    }

    private static HashCache OpenOrFail(string file, string what)
    {
        try
        {
            return HashCache.Open(file);
        }
        catch (Exception e)
        {
            throw new AssertFailedException($"{what}: HashCache.Open threw {e.GetType().Name} for {Convert.ToHexString(File.ReadAllBytes(file))}", e);
        }
    }

    /// <summary>What <see cref="HashCache.Open"/> reads from the file, read from memory: thousands of cases take no disk writes.</summary>
    private static HashCache ReadOrFail(string file, byte[] bytes, string what)
    {
        try
        {
            return HashCache.Read(file, new MemoryStream(bytes, writable: false));
        }
        catch (Exception e)
        {
            throw new AssertFailedException($"{what}: HashCache.Read threw {e.GetType().Name} for {Convert.ToHexString(bytes)}", e);
        }
    }

    private static void AssertIgnoredCheaply(string file)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        HashCache cache = OpenOrFail(file, Path.GetFileName(file));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        StringAssert.Contains(cache.IgnoredBecause, "cannot be read");
        Assert.IsTrue(allocated < 1024 * 1024, $"{allocated} bytes allocated to read a corrupt cache.");
    }

    private static void ReadOrFormatException(string text, string what)
    {
        foreach (Action read in new Action[] { () => KeyFile.Read(text), () => Json.Parse(text) })
        {
            try
            {
                read();
            }
            catch (FormatException)
            {
            }
            catch (Exception e)
            {
                throw new AssertFailedException($"{what}: {e.GetType().Name}: {e.Message}\n{Shorten(text)}", e);
            }
        }
    }

    private static byte[] RandomBytes(Random random, byte[] prefix)
    {
        var bytes = new byte[prefix.Length + random.Next(0, 200)];
        prefix.CopyTo(bytes, 0);
        random.NextBytes(bytes.AsSpan(prefix.Length));
        return bytes;
    }

    /// <summary>One to three edits: a byte flipped, set to 0x00 or 0xFF, the file cut short, bytes inserted or removed.</summary>
    private static byte[] Mutate(byte[] valid, Random random)
    {
        var bytes = new List<byte>(valid);
        for (int edits = random.Next(1, 4); edits > 0 && bytes.Count > 0; edits--)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = 0xFF; break;
                case 2: bytes[at] = 0x00; break;
                case 3: bytes.RemoveRange(at, bytes.Count - at); break;
                case 4: bytes.InsertRange(at, RandomBytes(random, []).Take(random.Next(1, 9))); break;
                default: bytes.RemoveRange(at, Math.Min(random.Next(1, 9), bytes.Count - at)); break;
            }
        }

        return bytes.ToArray();
    }

    private static readonly string[] Tokens =
    [
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "\\u00", "0", "-", "1e400", "-1e400", "1e300", "-1", "2.5", "2", "1",
        "NaN", "true", "false", "null", "tru", "\"schemaVersion\"", "\"files\"", "\"settings\"", "\"key\"", "\"size\"", "\"path\"",
        "\"kind\"", "\"file\"", "\"keyFormatVersion\"", "\"baseImage\"", "\"name\"", "\"hash\"", " ", "\n", "\u0000", "é", "\uFFFF", "\ud800",
    ];

    private static readonly string[] Edits = ["{", "}", "[", "]", ",", ":", "\"", "\\", "-", "1e400", "1e300", "-1", "null", "\u0000", "\ud800", ""];

    private static string Mutate(string valid, Random random)
    {
        var text = new StringBuilder(valid);
        for (int edits = random.Next(1, 4); edits > 0 && text.Length > 0; edits--)
        {
            int at = random.Next(text.Length);
            switch (random.Next(4))
            {
                case 0: text[at] = (char)random.Next(0, 0x80); break;
                case 1: text.Length = at; break;
                case 2: text.Insert(at, Edits[random.Next(Edits.Length)]); break;
                default: text.Remove(at, Math.Min(random.Next(1, 9), text.Length - at)); break;
            }
        }

        return text.ToString();
    }

    private static string RandomTokens(Random random) =>
        string.Concat(Enumerable.Range(0, random.Next(0, 40)).Select(_ => Tokens[random.Next(Tokens.Length)]));

    /// <summary>A well-formed JSON object shaped like a key file, with values of every type and range in its fields.</summary>
    private static string RandomKeyFile(Random random)
    {
        string[] numbers = ["0", "1", "2", "-1", "2.5", "1e300", "-1e300", "1e400", "4294967296", "9223372036854775808", "0.1"];
        string Value(int depth) => random.Next(depth > 2 ? 6 : 8) switch
        {
            0 => numbers[random.Next(numbers.Length)],
            1 => "\"" + (random.Next(3) == 0 ? "file" : Convert.ToHexString(RandomBytes(random, []).Take(8).ToArray())) + "\"",
            2 => "true",
            3 => "false",
            4 => "null",
            5 => "\"\\ud800x\"",
            6 => "[" + string.Join(",", Enumerable.Range(0, random.Next(3)).Select(_ => Value(depth + 1))) + "]",
            _ => Entry(depth + 1),
        };
        string Entry(int depth) =>
            "{" + string.Join(",", new[] { "path", "kind", "size", "hash", "executable", "normalized", "name" }
                .Where(_ => random.Next(3) != 0)
                .Select(name => $"\"{name}\":" + (name == "kind" && random.Next(2) == 0 ? "\"file\"" : Value(depth)))) + "}";
        string List(int depth) => random.Next(4) == 0
            ? Value(depth)
            : "[" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ => Entry(depth))) + "]";

        var fields = new List<string>
        {
            "\"schemaVersion\":" + (random.Next(2) == 0 ? "2" : Value(1)),
            "\"key\":" + (random.Next(2) == 0 ? "\"k\"" : Value(1)),
            "\"keyFormatVersion\":" + Value(1),
            "\"baseImage\":" + (random.Next(2) == 0 ? "{\"name\":\"b\",\"digest\":" + Value(2) + "}" : Value(1)),
            "\"files\":" + List(1),
            "\"settings\":" + List(1),
        };
        return "{" + string.Join(",", fields.Where(_ => random.Next(8) != 0)) + "}";
    }

    private static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + "...";
}
