using ContainerCache.Registry;

namespace ContainerCache.Tests;

[TestClass]
public sealed class PlainHttpRegistriesTests
{
    [TestMethod]
    public void Remember_ThenForget_RoundTrips_AndLeavesOtherRegistries()
    {
        using var temp = new TempDirectory();
        string file = temp.Combine("obj/container-cache.plain-http");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);

        Assert.IsFalse(PlainHttpRegistries.Remembers(file, "localhost:5000"), "No file: nothing remembered.");
        Assert.IsTrue(PlainHttpRegistries.Remember(file, "localhost:5000"));
        Assert.IsTrue(PlainHttpRegistries.Remember(file, "LocalHost:6000"));
        Assert.IsTrue(PlainHttpRegistries.Remember(file, "localhost:5000"));
        Assert.IsTrue(PlainHttpRegistries.Remembers(file, "LOCALHOST:5000"), "Registry names are compared as the SDK compares hosts: case-insensitively.");
        Assert.IsTrue(PlainHttpRegistries.Remembers(file, "localhost:6000"));
        Assert.IsFalse(PlainHttpRegistries.Remembers(file, "localhost:7000"), "Another registry, even on the same host, is not remembered.");
        Assert.AreEqual(PlainHttpRegistries.Header + "\nlocalhost:5000\nlocalhost:6000\n", File.ReadAllText(file));

        Assert.IsTrue(PlainHttpRegistries.Forget(file, "localhost:5000"));
        Assert.IsFalse(PlainHttpRegistries.Remembers(file, "localhost:5000"));
        Assert.IsTrue(PlainHttpRegistries.Remembers(file, "localhost:6000"));
        Assert.IsTrue(PlainHttpRegistries.Forget(file, "localhost:6000"));
        Assert.IsFalse(File.Exists(file), "Nothing left to remember: no file.");
        Assert.AreEqual(0, Directory.GetFiles(Path.GetDirectoryName(file)!).Length, "No temporary file left behind.");
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("localhost:5000\n")]
    [DataRow("# another tool's file\nlocalhost:5000\n")]
    [DataRow("\u0000\u0001\u0002garbage")]
    public void Remembers_IgnoresAFileNotInItsFormat(string content)
    {
        using var temp = new TempDirectory();
        string file = temp.Write("container-cache.plain-http", content);

        Assert.IsFalse(PlainHttpRegistries.Remembers(file, "localhost:5000"));
        Assert.IsTrue(PlainHttpRegistries.Remember(file, "localhost:5000"), "A file not in the format is replaced, not an error.");
        Assert.AreEqual(PlainHttpRegistries.Header + "\nlocalhost:5000\n", File.ReadAllText(file));
    }

    [TestMethod]
    public void Remembers_IgnoresMalformedLinesAndUnreadablePlaces_NeverThrows()
    {
        using var temp = new TempDirectory();
        string file = temp.Write("plain-http", PlainHttpRegistries.Header + "\nnot a registry!\n\nlocalhost:5000\r\n");
        Assert.IsTrue(PlainHttpRegistries.Remembers(file, "localhost:5000"), "CRLF line ends are read too.");
        Assert.IsFalse(PlainHttpRegistries.Remembers(file, "not a registry!"));

        string directory = temp.Combine("a-directory");
        Directory.CreateDirectory(directory);
        Assert.IsFalse(PlainHttpRegistries.Remembers(directory, "localhost:5000"));
        Assert.IsFalse(PlainHttpRegistries.Remember(directory, "localhost:5000"), "Not written, and not an error.");
        Assert.IsFalse(PlainHttpRegistries.Remember(temp.Combine("missing/folder/file"), "localhost:5000"));
        Assert.IsFalse(PlainHttpRegistries.Remembers("", "localhost:5000"));
        Assert.IsFalse(PlainHttpRegistries.Remember("", "localhost:5000"));
    }

    [TestMethod]
    public void Remembers_DoesNotOpenAFifo()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("FIFOs are made with mkfifo on Linux.");
        }

        using var temp = new TempDirectory();
        string fifo = SpecialFiles.MakeFifo(temp.Combine("plain-http"));
        Assert.IsFalse(SpecialFiles.Bounded(() => PlainHttpRegistries.Remembers(fifo, "localhost:5000")), "A FIFO in the file's place is not opened: it would block the build.");
    }
}
