using ContainerCache.Keys;
using ContainerCache.Registry;

namespace ContainerCache.Tests;

[TestClass]
public sealed class ContentNormalizationTests
{
    private const string Manifest = """{"Endpoints":[{"ResponseHeaders":[{"Name":"ETag","Value":"\"abc\""},{"Name":"Last-Modified","Value":"Mon, 23 Nov 2026 19:22:35 GMT"}]}]}""";

    private static string KeyOf(string directory) => ContentKey.Compute(directory, []).Key;

    [TestMethod]
    public void GoldenKey_StaticWebAssetsManifestIsHashedWithLastModifiedBlanked()
    {
        // Computed independently: the documented encoding over the manifest with its Last-Modified value emptied.
        using var dir = new TempDirectory();
        dir.Write("App.staticwebassets.endpoints.json", Manifest);
        Assert.AreEqual("49d422b8c1851931f5aa054c1b3d7eb6", KeyOf(dir.Path));
    }

    [TestMethod]
    public void LastModifiedTimes_DoNotChangeTheKey()
    {
        using var dir = new TempDirectory();
        dir.Write("App.staticwebassets.endpoints.json", Manifest);
        string key = KeyOf(dir.Path);
        dir.Write("App.staticwebassets.endpoints.json", Manifest.Replace("Mon, 23 Nov 2026 19:22:35 GMT", "Tue, 24 Nov 2026 08:00:01 GMT"));
        Assert.AreEqual(key, KeyOf(dir.Path));
    }

    [TestMethod]
    public void EverythingElseInTheManifest_StillChangesTheKey()
    {
        using var dir = new TempDirectory();
        dir.Write("App.staticwebassets.endpoints.json", Manifest);
        string key = KeyOf(dir.Path);
        dir.Write("App.staticwebassets.endpoints.json", Manifest.Replace("abc", "abd"));
        Assert.AreNotEqual(key, KeyOf(dir.Path));
    }

    [TestMethod]
    public void BytesThatAreNotValidUtf8_StillCountEachOnItsOwn()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("App.staticwebassets.endpoints.json");
        byte[] prefix = System.Text.Encoding.UTF8.GetBytes(Manifest);
        File.WriteAllBytes(path, [.. prefix, 0xFF]);
        string key = KeyOf(dir.Path);
        File.WriteAllBytes(path, [.. prefix, 0xFE]);
        Assert.AreNotEqual(key, KeyOf(dir.Path), "Normalisation must never make two different byte sequences equal.");
    }

    [TestMethod]
    public void OnlyThatFileKind_IsNormalized()
    {
        using var dir = new TempDirectory();
        dir.Write("wwwroot/data.json", Manifest);
        string key = KeyOf(dir.Path);
        dir.Write("wwwroot/data.json", Manifest.Replace("19:22:35", "19:22:36"));
        Assert.AreNotEqual(key, KeyOf(dir.Path), "A file that is not a static web assets manifest counts byte for byte.");
    }

    [TestMethod]
    public void KeyFile_SaysWhichFilesWereNormalized()
    {
        using var dir = new TempDirectory();
        dir.Write("App.staticwebassets.endpoints.json", Manifest);
        dir.Write("App.dll", "x");
        string json = KeyFile.Serialize(ContentKey.Compute(dir.Path, []));
        StringAssert.Contains(json, "\"path\": \"App.staticwebassets.endpoints.json\", \"kind\": \"file\", \"size\": ");
        StringAssert.Contains(json, "\"normalized\": \"staticWebAssetsLastModified\"");
        Assert.AreEqual(1, json.Split("normalized").Length - 1);
    }
}
