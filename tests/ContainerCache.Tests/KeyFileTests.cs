using System.Text;
using System.Text.Json;
using ContainerCache.Diagnostics;
using ContainerCache.Hashing;
using ContainerCache.Keys;

namespace ContainerCache.Tests;

[TestClass]
public sealed class KeyFileTests
{
    [TestMethod]
    public void Serialize_IsJsonWithKeySchemaAndManifest_AndNoAbsolutePaths()
    {
        using var dir = new TempDirectory();
        dir.Write("app.dll", "x");
        dir.Write("odd \"name\"\\\t.txt", "y");
        ContentKey key = ContentKey.Compute(dir.Path, [new ContainerSetting("env:SECRET", "hunter2")]);

        string json = KeyFile.Serialize(key);
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement root = doc.RootElement;
        Assert.AreEqual(key.Key, root.GetProperty("key").GetString());
        Assert.AreEqual(2, root.GetProperty("schemaVersion").GetInt32());
        Assert.AreEqual(2, root.GetProperty("fileCount").GetInt32());
        CollectionAssert.AreEquivalent(
            new[] { "app.dll", "odd \"name\"\\\t.txt" },
            root.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()).ToArray());
        Assert.AreEqual("env:SECRET", root.GetProperty("settings")[0].GetProperty("name").GetString());
        Assert.IsFalse(json.Contains("hunter2"), "Setting values never appear in the key file.");
        Assert.IsFalse(json.Contains(dir.Path), "No absolute paths.");
    }

    [TestMethod]
    public void Serialize_RecordsTheBaseImageAndTheDigestTheKeyCovers_OrNull()
    {
        using var dir = new TempDirectory();
        ContentKey key = ContentKey.Compute(dir.Path, []);
        string digest = "sha256:" + new string('c', 64);

        using JsonDocument resolved = JsonDocument.Parse(KeyFile.Serialize(key, "r.example/base:1", digest));
        using JsonDocument byName = JsonDocument.Parse(KeyFile.Serialize(key, "r.example/base:1", null));
        using JsonDocument none = JsonDocument.Parse(KeyFile.Serialize(key));

        Assert.AreEqual("r.example/base:1", resolved.RootElement.GetProperty("baseImage").GetProperty("name").GetString());
        Assert.AreEqual(digest, resolved.RootElement.GetProperty("baseImage").GetProperty("digest").GetString());
        Assert.AreEqual(JsonValueKind.Null, byName.RootElement.GetProperty("baseImage").GetProperty("digest").ValueKind);
        Assert.IsFalse(none.RootElement.TryGetProperty("baseImage", out _));
    }

    [TestMethod]
    public void WriteIfChanged_WritesOnceThenLeavesTheFileAlone()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("out/container-cache.json");
        Assert.IsTrue(KeyFile.WriteIfChanged(path, First));
        File.SetLastWriteTimeUtc(path, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        Assert.IsFalse(KeyFile.WriteIfChanged(path, First));
        Assert.AreEqual(2020, File.GetLastWriteTimeUtc(path).Year);

        Assert.IsTrue(KeyFile.WriteIfChanged(path, Second));
        Assert.AreEqual(Second, File.ReadAllText(path));
        Assert.AreEqual(1, Directory.GetFiles(dir.Combine("out")).Length, "No temporary file is left behind.");
    }

    // Key files begin as every key file this package writes does; WriteIfChanged replaces no other file.
    private const string First = "{\n  \"schemaVersion\": 2, \"key\": \"1\" }\n";
    private const string Second = "{\n  \"schemaVersion\": 2, \"key\": \"2\" }\n";

    [TestMethod]
    [DataRow("MZ\u0090\u0000 an app's DLL")]
    [DataRow("{\"some\": \"other JSON\"}")]
    [DataRow("{\n  \"schemaVersion\"x")]
    public void WriteIfChanged_OverAFileThatIsNotAKeyFile_IsCodedError_AndLeavesItAlone(string content)
    {
        using var dir = new TempDirectory();
        string path = dir.Write("app.dll", content);

        var e = Assert.ThrowsExactly<ContainerCacheException>(() => KeyFile.WriteIfChanged(path, new StringBuilder(First), name: "ContainerCacheKeyFile"));
        Assert.AreEqual("CONTAINERCACHE1012", e.Code);
        StringAssert.Contains(e.Message, "ContainerCacheKeyFile");
        StringAssert.Contains(e.Message, path);
        Assert.AreEqual(content, File.ReadAllText(path));
        Assert.AreEqual(1, Directory.GetFiles(dir.Path).Length);
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("{")]
    [DataRow("{\n  \"schemaV")]
    [DataRow("{\n  \"schemaVersion\": 1,\n  \"key\": \"abc")]
    public void WriteIfChanged_OverAKeyFile_OrWhatAWriteCutShortLeaves_ReplacesIt(string content)
    {
        using var dir = new TempDirectory();
        string path = dir.Write("container-cache.json", content);
        Assert.IsTrue(KeyFile.WriteIfChanged(path, First));
        Assert.AreEqual(First, File.ReadAllText(path));
    }

    [TestMethod]
    public void WriteIfChanged_OverADirectoryOrAFifo_IsCodedError_WithoutOpeningIt()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("container-cache.json"));
        ContainerCacheException directory = Assert.ThrowsExactly<ContainerCacheException>(() => KeyFile.WriteIfChanged(dir.Combine("container-cache.json"), First));
        Assert.AreEqual("CONTAINERCACHE1005", directory.Code, "Cannot be written there.");
        StringAssert.Contains(directory.Message, "a directory is in its place");

        if (!FileStamp.Supported)
        {
            return;
        }

        string fifo = SpecialFiles.MakeFifo(dir.Combine("fifo.json"));
        var e = SpecialFiles.Bounded(() => Assert.ThrowsExactly<ContainerCacheException>(() => KeyFile.WriteIfChanged(fifo, First)));
        Assert.AreEqual("CONTAINERCACHE1012", e.Code);
        StringAssert.Contains(e.Message, "FIFO");
    }

    [TestMethod]
    public void WriteIfChanged_WritesItsTemporaryFileInTheDirectoryItIsGiven()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("publish/container-cache.json");
        Assert.IsTrue(KeyFile.WriteIfChanged(path, new StringBuilder(First), temporaryDirectory: dir.Combine("obj")));
        Assert.AreEqual(First, File.ReadAllText(path));

        // Where the temporary file cannot be created, the write fails there: never beside the key file.
        string blocker = dir.Write("not-a-directory", "");
        var e = Assert.ThrowsExactly<ContainerCacheException>(() => KeyFile.WriteIfChanged(path, new StringBuilder(Second), temporaryDirectory: blocker));
        Assert.AreEqual("CONTAINERCACHE1005", e.Code);
        CollectionAssert.AreEqual(new[] { path }, Directory.GetFiles(dir.Combine("publish")));
        Assert.AreEqual(First, File.ReadAllText(path));
    }

    [TestMethod]
    public void WriteIfChanged_UnwritablePath_IsCodedError()
    {
        using var dir = new TempDirectory();
        string blocker = dir.Write("file", "not a directory");
        var e = Assert.ThrowsExactly<ContainerCacheException>(() => KeyFile.WriteIfChanged(Path.Combine(blocker, "key.json"), "{}"));
        Assert.AreEqual("CONTAINERCACHE1005", e.Code);
        StringAssert.Contains(e.Message, "key.json");
    }
}
