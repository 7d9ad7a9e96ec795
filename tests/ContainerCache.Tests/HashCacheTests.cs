using ContainerCache.Hashing;
using ContainerCache.Keys;
using ContainerCache.PublishOutput;

namespace ContainerCache.Tests;

/// <summary>
/// The hash cache may only save reads: every test checks the hashes against a hashing without it.
/// A file's change time cannot be set back, so "long ago" is made by running the hashing's clock
/// ahead instead (the cache trusts a file only if it last changed 2 s before it was hashed).
/// </summary>
[TestClass]
public sealed class HashCacheTests
{
    private const long Later = 10_000_000_000L;

    [TestInitialize]
    public void RequireStamps()
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
        dir.Write("app.staticwebassets.endpoints.json", "{\"Name\":\"Last-Modified\",\"Value\":\"Mon, 01 Jan 2024 00:00:00 GMT\"}");
        return dir;
    }

    private static HashCache OpenLater(string file)
    {
        HashCache cache = HashCache.Open(file);
        cache.Clock = () => HashCache.NowNs() + Later;
        return cache;
    }

    /// <summary>Hashes the tree with the cache, saves it, and checks the hashes against an uncached hashing.</summary>
    private static HashCache HashWith(HashCache cache, TempDirectory dir)
    {
        IReadOnlyList<LayerEntry> entries = PublishDirectory.Enumerate(dir.Path);
        ContentHash[] cached = FileHasher.HashAll(entries, cache);
        ContentHash[] fresh = FileHasher.HashAll(entries);
        for (int i = 0; i < entries.Count; i++)
        {
            Assert.AreEqual(fresh[i].Length, cached[i].Length, entries[i].RelativePath);
            CollectionAssert.AreEqual(fresh[i].Hash, cached[i].Hash, entries[i].RelativePath);
        }

        Assert.IsNull(cache.Save());
        return cache;
    }

    [TestMethod]
    public void UnchangedFilesHashedLongAfterTheyChanged_AreNotReadAgain()
    {
        using var dir = Tree();
        using var obj = new TempDirectory();
        string file = obj.Combine("hashes");
        Assert.AreEqual(3, HashWith(OpenLater(file), dir).Hashed);

        HashCache second = HashWith(OpenLater(file), dir);
        Assert.AreEqual(0, second.Hashed);
        Assert.AreEqual(3, second.Reused);
    }

    [TestMethod]
    public void SameKeyWithAndWithoutTheCache()
    {
        using var dir = Tree();
        using var obj = new TempDirectory();
        string file = obj.Combine("hashes");
        string uncached = ContentKey.Compute(dir.Path, []).Key;
        HashCache first = OpenLater(file);
        Assert.AreEqual(uncached, ContentKey.Compute(dir.Path, [], cache: first).Key);
        Assert.IsNull(first.Save());
        HashCache second = OpenLater(file);
        Assert.AreEqual(uncached, ContentKey.Compute(dir.Path, [], cache: second).Key);
        Assert.AreEqual(3, second.Reused);
    }

    [TestMethod]
    public void TheStampedListing_IsThePlainListing()
    {
        using var dir = Tree();
        using var outside = new TempDirectory();
        dir.Write(".hidden/.env", "x");
        Directory.CreateDirectory(dir.Combine("empty"));
        string script = dir.Write("run.sh", "#!/bin/sh");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, File.GetUnixFileMode(script) | UnixFileMode.UserExecute);
        }

        File.CreateSymbolicLink(dir.Combine("link.sh"), script);
        File.CreateSymbolicLink(dir.Combine("link.css"), dir.Combine("wwwroot/site.css"));
        Directory.CreateSymbolicLink(dir.Combine("linked"), outside.Path);
        outside.Write("inside.txt", "not layered");

        IReadOnlyList<LayerEntry> plain = PublishDirectory.Enumerate(dir.Path, dir.Combine("wwwroot/excluded.json"));
        IReadOnlyList<LayerEntry> stamped = PublishDirectory.Enumerate(dir.Path, dir.Combine("wwwroot/excluded.json"), stamp: true);
        string Describe(LayerEntry e) => $"{e.RelativePath} {e.FullPath} {e.Kind} {e.Executable} {e.Normalization}";
        CollectionAssert.AreEqual(plain.Select(Describe).ToArray(), stamped.Select(Describe).ToArray());
        Assert.AreEqual(plain.Count(e => e.HasContent), stamped.Count(e => e.Stamp is not null));

        using var obj = new TempDirectory();
        Assert.AreEqual(ContentKey.Compute(dir.Path, []).Key, ContentKey.Compute(dir.Path, [], cache: OpenLater(obj.Combine("hashes"))).Key);
    }

    [TestMethod]
    public void FilesThatChangedJustBeforeTheyWereHashed_AreReadAgain()
    {
        using var dir = Tree();
        using var obj = new TempDirectory();
        string file = obj.Combine("hashes");
        HashWith(HashCache.Open(file), dir);

        // A second write in the same clock tick would leave the stamp as it was: not trusted yet.
        HashCache second = HashWith(HashCache.Open(file), dir);
        Assert.AreEqual(3, second.Hashed);
        Assert.AreEqual(0, second.Reused);
    }

    [TestMethod]
    public void ContentRewrittenWithTheSameSizeAndModificationTime_IsReadAgain()
    {
        using var dir = Tree();
        using var obj = new TempDirectory();
        string file = obj.Combine("hashes");
        string app = dir.Combine("app.dll");
        DateTime modified = File.GetLastWriteTimeUtc(app);
        HashWith(OpenLater(file), dir);

        Thread.Sleep(50); // past the kernel's timestamp tick, as any real edit is
        File.WriteAllText(app, "APP BYTES");
        File.SetLastWriteTimeUtc(app, modified); // what touch -d, cp -p or an archive can do

        HashCache second = HashWith(OpenLater(file), dir);
        Assert.AreEqual(1, second.Hashed);
        Assert.AreEqual(2, second.Reused);
    }

    [TestMethod]
    public void FileReplacedByAnotherWithTheSameStamp_IsReadAgain()
    {
        using var dir = Tree();
        using var obj = new TempDirectory();
        string file = obj.Combine("hashes");
        string css = dir.Combine("wwwroot/site.css");
        HashWith(OpenLater(file), dir);

        string other = dir.Combine("site.css.new");
        File.WriteAllText(other, "BODY{}");
        File.SetLastWriteTimeUtc(other, File.GetLastWriteTimeUtc(css));
        File.Move(other, css, overwrite: true); // another inode

        HashCache second = HashWith(OpenLater(file), dir);
        Assert.AreEqual(1, second.Hashed);
    }

    [TestMethod]
    public void AFileTheCacheDoesNotKnow_IsHashed_AndARemovedOneForgotten()
    {
        using var dir = Tree();
        using var obj = new TempDirectory();
        string file = obj.Combine("hashes");
        HashWith(OpenLater(file), dir);
        dir.Write("added.txt", "new");
        File.Delete(dir.Combine("app.dll"));

        HashCache second = HashWith(OpenLater(file), dir);
        Assert.AreEqual(1, second.Hashed);
        Assert.AreEqual(2, second.Reused);
        Assert.AreEqual(3, HashCache.Open(file).Count);
    }

    [TestMethod]
    public void UnchangedHashing_DoesNotRewriteTheCache()
    {
        using var dir = Tree();
        using var obj = new TempDirectory();
        string file = obj.Combine("hashes");
        HashWith(OpenLater(file), dir);
        byte[] before = File.ReadAllBytes(file);
        DateTime written = File.GetLastWriteTimeUtc(file);
        Thread.Sleep(50);

        HashWith(OpenLater(file), dir);
        CollectionAssert.AreEqual(before, File.ReadAllBytes(file));
        Assert.AreEqual(written, File.GetLastWriteTimeUtc(file));
    }

    [TestMethod]
    public void ACacheFileThatCannotBeRead_IsIgnored()
    {
        using var dir = Tree();
        using var obj = new TempDirectory();
        string file = obj.Combine("hashes");
        HashWith(OpenLater(file), dir);
        byte[] bytes = File.ReadAllBytes(file);

        File.WriteAllBytes(file, bytes.AsSpan(0, bytes.Length - 5).ToArray());
        HashCache truncated = HashWith(OpenLater(file), dir);
        StringAssert.StartsWith(truncated.IgnoredBecause, "it cannot be read");
        Assert.AreEqual(3, truncated.Hashed);

        File.WriteAllText(file, "not a cache");
        HashCache garbage = HashWith(OpenLater(file), dir);
        Assert.IsNotNull(garbage.IgnoredBecause);
        Assert.AreEqual(3, garbage.Hashed);
    }

    [TestMethod]
    public void AFlippedBitInAStoredHash_IsCaught_AndEveryFileIsRead()
    {
        // The last record's hash ends just before the checksum: flipped, it still parses as a record.
        using var dir = Tree();
        using var obj = new TempDirectory();
        string file = obj.Combine("hashes");
        HashWith(OpenLater(file), dir);
        byte[] bytes = File.ReadAllBytes(file);
        bytes[bytes.Length - 9] ^= 0x01;
        File.WriteAllBytes(file, bytes);

        HashCache damaged = HashWith(OpenLater(file), dir);

        StringAssert.Contains(damaged.IgnoredBecause, "checksum");
        Assert.AreEqual(3, damaged.Hashed);
    }

    [TestMethod]
    public void ACacheOfAnotherKeyFormat_IsIgnored()
    {
        // A normalisation may change with the key's format version, and with it a normalised file's hash.
        using var dir = Tree();
        using var obj = new TempDirectory();
        string file = obj.Combine("hashes");
        HashWith(OpenLater(file), dir);
        byte[] bytes = File.ReadAllBytes(file);
        int at = 1 + "ContainerCache.HashCache".Length + 4; // the magic string, then the cache's own version
        Assert.AreEqual(ContentKey.FormatVersion, BitConverter.ToUInt32(bytes, at));
        BitConverter.GetBytes(ContentKey.FormatVersion - 1).CopyTo(bytes, at);
        File.WriteAllBytes(file, bytes);

        HashCache older = HashWith(OpenLater(file), dir);
        StringAssert.Contains(older.IgnoredBecause, "another version");
        Assert.AreEqual(3, older.Hashed);
    }

    [TestMethod]
    public void ACacheThatCannotBeWritten_SaysWhy()
    {
        using var dir = Tree();
        using var obj = new TempDirectory();
        string blocker = obj.Write("obj", "a file where the cache's folder would be");
        HashCache cache = OpenLater(Path.Combine(blocker, "hashes"));
        FileHasher.HashAll(PublishDirectory.Enumerate(dir.Path), cache);
        StringAssert.Contains(cache.Save(), "cannot be written");
    }

    [TestMethod]
    public void Rekey_ReadsOnlyWhatMayHaveChangedSinceTheHashing_AndGivesTheKeyOfAFreshHashing()
    {
        using TempDirectory dir = Tree();
        ContainerSetting[] byName = [new("base.repository", "base")];
        ContainerSetting[] byDigest = [new("base.repository", "base"), new("base.digest", "sha256:0123")];
        ContentKey publish = ContentKey.Compute(dir.Path, byName, cache: OpenLater(dir.Combine("hashes")));

        ContentKey image = publish.Rekey(dir.Path, byDigest, excludedFile: null, out int read)!;
        Assert.AreEqual(0, read, "Every file older than the hashing, by its clock: none read again.");
        Assert.AreEqual(ContentKey.Compute(dir.Path, byDigest).Key, image.Key);

        dir.Write("wwwroot/site.css", "body{color:red}");
        ContentKey edited = publish.Rekey(dir.Path, byDigest, excludedFile: null, out read)!;
        Assert.AreEqual(1, read, "The file written since.");
        Assert.AreEqual(ContentKey.Compute(dir.Path, byDigest).Key, edited.Key);

        dir.Write("new.txt", "x");
        Assert.IsNull(publish.Rekey(dir.Path, byDigest, excludedFile: null, out _), "Another listing: keyed again as a whole.");
    }
}
