using System.Text;
using ContainerCache.Diagnostics;
using ContainerCache.Hashing;
using ContainerCache.Keys;
using ContainerCache.PublishOutput;

namespace ContainerCache.Tests;

/// <summary>
/// What a publish directory can hold that the SDK cannot layer, or that is too large to read whole:
/// a coded error naming it, before anything hangs or runs out of memory, on both listings.
/// </summary>
[TestClass]
public sealed class PublishDirectoryFaultTests
{
    public static IEnumerable<object[]> Listings => [[false], [true]];

    [TestMethod]
    [DynamicData(nameof(Listings))]
    public void Fifo_IsCodedErrorNamingIt_NeverOpened(bool incremental)
    {
        using var dir = Linux();
        SpecialFiles.MakeFifo(dir.Combine("wwwroot/pipe"));
        AssertSpecialFile(dir, incremental, "wwwroot/pipe", "a FIFO (named pipe)");
    }

    [TestMethod]
    [DynamicData(nameof(Listings))]
    public void Socket_IsCodedErrorNamingIt(bool incremental)
    {
        using var dir = Linux();
        using var socket = SpecialFiles.MakeSocket(dir.Combine("app.sock"));
        AssertSpecialFile(dir, incremental, "app.sock", "a socket");
    }

    [TestMethod]
    [DynamicData(nameof(Listings))]
    public void LinkToADevice_IsCodedErrorNamingItAndItsTarget_NeverRead(bool incremental)
    {
        using var dir = Linux();
        File.CreateSymbolicLink(dir.Combine("zero.bin"), "/dev/zero");
        var e = AssertSpecialFile(dir, incremental, "zero.bin", "a character device");
        StringAssert.Contains(e.Message, "/dev/zero");
    }

    [TestMethod]
    [DynamicData(nameof(Listings))]
    public void LinkToALinkToAFifo_IsCodedError(bool incremental)
    {
        using var dir = Linux();
        using var outside = new TempDirectory();
        SpecialFiles.MakeFifo(outside.Combine("pipe"));
        File.CreateSymbolicLink(outside.Combine("link"), outside.Combine("pipe"));
        File.CreateSymbolicLink(dir.Combine("log.txt"), outside.Combine("link"));
        AssertSpecialFile(dir, incremental, "log.txt", "a FIFO (named pipe)");
    }

    [TestMethod]
    [DynamicData(nameof(Listings))]
    public void NameThatIsNotValidUtf8_IsCodedErrorSayingSo(bool incremental)
    {
        using var dir = Linux();
        byte[] name = Encoding.UTF8.GetBytes(dir.Combine("wwwroot/bad-")).Concat(new byte[] { 0xFF, 0xFE }).Concat(".css"u8.ToArray()).ToArray();
        SpecialFiles.CreateByBytes(name);
        try
        {
            var e = Assert.ThrowsExactly<ContainerCacheException>(() => Key(dir, incremental));
            Assert.AreEqual("CONTAINERCACHE1002", e.Code);
            StringAssert.Contains(e.Message, "wwwroot/bad-");
            StringAssert.Contains(e.Message, "not valid UTF-8");
            Assert.IsFalse(e.Message.Contains("Could not find"), e.Message);
        }
        finally
        {
            SpecialFiles.DeleteByBytes(name);
        }
    }

    [TestMethod]
    public void DirectoryWithoutSearchPermission_IsCodedErrorNamingTheDirectory()
    {
        using var dir = Linux();

        // Root searches any directory whatever its mode: the message is checked as the listing makes it.
        ContainerCacheException e = PublishDirectory.Unstatable(dir.Combine("wwwroot/css/site.css"), "wwwroot/css/site.css", FileStamp.PermissionDenied)!;
        Assert.AreEqual("CONTAINERCACHE1002", e.Code);
        StringAssert.Contains(e.Message, "The directory '" + dir.Combine("wwwroot/css") + "'");
        StringAssert.Contains(e.Message, "execute (search) permission");
        Assert.IsNull(PublishDirectory.Unstatable(dir.Combine("gone.dll"), "gone.dll", FileStamp.NoSuchEntry), "A file gone since it was listed is reported when it is hashed.");

        // As another user (setpriv --reuid=65534 dotnet test ...), for real, on both listings.
        if (Environment.UserName == "root" || OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(dir.Combine("wwwroot"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            foreach (bool incremental in new[] { false, true })
            {
                var real = Assert.ThrowsExactly<ContainerCacheException>(() => Key(dir, incremental));
                StringAssert.Contains(real.Message, "The directory '" + dir.Combine("wwwroot") + "' in the publish output cannot be searched");
            }
        }
        finally
        {
            File.SetUnixFileMode(dir.Combine("wwwroot"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [TestMethod]
    public void StaticWebAssetsManifestLargerThanTheBound_IsCodedErrorNamingItAndTheBound()
    {
        using var dir = new TempDirectory();
        dir.Write("app.dll", "x");
        string manifest = dir.Write("app.staticwebassets.endpoints.json", "");
        using (var file = new FileStream(manifest, FileMode.Open))
        {
            file.SetLength(ContentNormalization.MaxBytes + 1L); // sparse: no disk, and no memory unless read
        }

        var e = Assert.ThrowsExactly<ContainerCacheException>(() => ContentKey.Compute(dir.Path, []));
        Assert.AreEqual("CONTAINERCACHE1011", e.Code);
        StringAssert.Contains(e.Message, manifest);
        StringAssert.Contains(e.Message, "64 MiB");
    }

    [TestMethod]
    public void SmallFile_ReadsUpToTheBound_AndNoMore()
    {
        byte[] bytes = Encoding.ASCII.GetBytes("0123456789");
        CollectionAssert.AreEqual(bytes, SmallFile.ReadAll(new MemoryStream(bytes), limit: 10));
        Assert.IsNull(SmallFile.ReadAll(new MemoryStream(bytes), limit: 9));

        // A stream that does not say its length is bounded as it is read.
        CollectionAssert.AreEqual(bytes, SmallFile.ReadAll(new UnknownLength(bytes), limit: 10));
        Assert.IsNull(SmallFile.ReadAll(new UnknownLength(bytes), limit: 9));
    }

    private static ContainerCacheException AssertSpecialFile(TempDirectory dir, bool incremental, string relativePath, string type)
    {
        var e = SpecialFiles.Bounded(() => Assert.ThrowsExactly<ContainerCacheException>(() => Key(dir, incremental)));
        Assert.AreEqual("CONTAINERCACHE1010", e.Code);
        StringAssert.Contains(e.Message, "'" + relativePath + "'");
        StringAssert.Contains(e.Message, dir.Combine(relativePath));
        StringAssert.Contains(e.Message, type);
        return e;
    }

    private static string Key(TempDirectory dir, bool incremental)
    {
        using var obj = new TempDirectory();
        return ContentKey.Compute(dir.Path, [], cache: incremental ? HashCache.Open(obj.Combine("hashes")) : null).Key;
    }

    /// <summary>A publish directory with ordinary files in it; where file types cannot be read, the test does not apply.</summary>
    private static TempDirectory Linux()
    {
        if (!FileStamp.Supported)
        {
            Assert.Inconclusive("File types are read without opening only on Linux.");
        }

        var dir = new TempDirectory();
        dir.Write("app.dll", "app");
        dir.Write("wwwroot/css/site.css", "body{}");
        return dir;
    }

    private sealed class UnknownLength(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
