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
        Assert.AreEqual("1875bee55b8d552fbc33f545b8c3314f", KeyOf(dir.Path));
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

    // Shaped as the SDK writes it (indented): one route, served plain and compressed.
    private static string Endpoint(string route, string file) => $$"""
            {
              "Route": "{{route}}",
              "AssetFile": "{{file}}",
              "ResponseHeaders": [ { "Name": "ETag", "Value": "\"{{file}}\"" }, { "Name": "Last-Modified", "Value": "Mon, 23 Nov 2026 19:22:35 GMT" } ]
            }
        """;

    private static string ManifestOf(params string[] endpoints) =>
        "{\n  \"Version\": 1,\n  \"ManifestType\": \"Publish\",\n  \"Endpoints\": [\n" + string.Join(",\n", endpoints) + "\n  ]\n}";

    [TestMethod]
    public void EndpointsOfOneRoute_InAnotherOrder_GiveTheSameKey()
    {
        // The SDK orders one route's endpoints by the asset files' absolute paths: a package's asset
        // (Identity UI) and its compressed forms in obj/ came out in another order in another folder.
        using var dir = new TempDirectory();
        string plain = Endpoint("Identity/css/site.css", "Identity/css/site.css"), gzip = Endpoint("Identity/css/site.css", "Identity/css/site.css.gz");
        string other = Endpoint("css/app.css", "css/app.css");
        dir.Write("App.staticwebassets.endpoints.json", ManifestOf(other, gzip, plain));
        string key = KeyOf(dir.Path);
        dir.Write("App.staticwebassets.endpoints.json", ManifestOf(other, plain, gzip));
        Assert.AreEqual(key, KeyOf(dir.Path));
    }

    [TestMethod]
    public void EndpointsOfDifferentRoutes_InAnotherOrder_StillChangeTheKey()
    {
        using var dir = new TempDirectory();
        string a = Endpoint("a.css", "a.css"), b = Endpoint("b.css", "b.css");
        dir.Write("App.staticwebassets.endpoints.json", ManifestOf(a, b));
        string key = KeyOf(dir.Path);
        dir.Write("App.staticwebassets.endpoints.json", ManifestOf(b, a));
        Assert.AreNotEqual(key, KeyOf(dir.Path), "Only the order within one route is build noise; the SDK sorts routes.");
    }

    [TestMethod]
    public void AnEndpointOfASortedRoute_ThatChanges_StillChangesTheKey()
    {
        using var dir = new TempDirectory();
        string plain = Endpoint("site.css", "site.css"), gzip = Endpoint("site.css", "site.css.gz");
        dir.Write("App.staticwebassets.endpoints.json", ManifestOf(gzip, plain));
        string key = KeyOf(dir.Path);
        dir.Write("App.staticwebassets.endpoints.json", ManifestOf(Endpoint("site.css", "site.css.br"), plain));
        Assert.AreNotEqual(key, KeyOf(dir.Path));
        dir.Write("App.staticwebassets.endpoints.json", ManifestOf(gzip, plain, plain));
        Assert.AreNotEqual(key, KeyOf(dir.Path), "A duplicated endpoint is content, not order.");
    }

    [TestMethod]
    public void AManifestThatDoesNotParse_IsHashedAsItIs()
    {
        using var dir = new TempDirectory();
        string plain = Endpoint("site.css", "site.css"), gzip = Endpoint("site.css", "site.css.gz");
        string cut = ManifestOf(gzip, plain).Replace("\n  ]\n}", "");
        dir.Write("App.staticwebassets.endpoints.json", cut);
        string key = KeyOf(dir.Path);
        dir.Write("App.staticwebassets.endpoints.json", ManifestOf(plain, gzip).Replace("\n  ]\n}", ""));
        Assert.AreNotEqual(key, KeyOf(dir.Path), "No array end, no reordering: every byte counts in place.");
    }
}
