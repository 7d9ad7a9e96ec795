using System.Text.Json;

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
        Assert.IsTrue(KeyFile.WriteIfChanged(path, "{}\n"));
        File.SetLastWriteTimeUtc(path, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        Assert.IsFalse(KeyFile.WriteIfChanged(path, "{}\n"));
        Assert.AreEqual(2020, File.GetLastWriteTimeUtc(path).Year);

        Assert.IsTrue(KeyFile.WriteIfChanged(path, "{ }\n"));
        Assert.AreEqual("{ }\n", File.ReadAllText(path));
        Assert.AreEqual(1, Directory.GetFiles(dir.Combine("out")).Length, "No temporary file is left behind.");
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
