using System.Text.Json;
using ContainerCache.TestRegistry;

namespace ContainerCache.EndToEndTests;

/// <summary>Real <c>dotnet publish -t:PublishContainer</c> runs against a real registry.</summary>
[TestClass]
public sealed class PublishContainerTests
{
    private const string KeyLabel = "dev.containercache.key";

    private static RegistryReader Reader => EndToEnd.Reader;

    [TestMethod]
    public async Task FirstPublish_KeyFileLabelAndTagAgree()
    {
        TestApp app = TestApp.Create("First");
        CommandResult result = await app.PublishContainerAsync();

        string key = app.KeyFileKey();
        StringAssert.Matches(key, new System.Text.RegularExpressions.Regex("^[0-9a-f]{32}$"));
        StringAssert.Contains(result.Output, "ContainerCache: key " + key);

        IReadOnlyList<string> tags = await Reader.ListTagsAsync(app.Repository);
        CollectionAssert.AreEquivalent(new[] { "latest", key }, tags.ToArray());
        Assert.AreEqual(
            await Reader.GetManifestDigestAsync(app.Repository, "latest"),
            await Reader.GetManifestDigestAsync(app.Repository, key),
            "The key tag and the user's tag name the same image.");

        IReadOnlyDictionary<string, string> labels = await Reader.GetLabelsAsync(app.Repository, key);
        Assert.AreEqual(key, labels[KeyLabel]);

        // An independent client reads the same.
        using JsonDocument inspected = await Skopeo.InspectAsync($"{EndToEnd.Registry.Host}/{app.Repository}:{key}");
        Assert.AreEqual(key, inspected.RootElement.GetProperty("Labels").GetProperty(KeyLabel).GetString());
    }

    [TestMethod]
    public async Task Republish_SameKey_Edit_NewKey_Revert_OldKey()
    {
        TestApp app = TestApp.Create("Cycle");
        string original = File.ReadAllText(app.ProgramFile);

        await app.PublishContainerAsync();
        string first = app.KeyFileKey();

        await app.PublishContainerAsync();
        Assert.AreEqual(first, app.KeyFileKey(), "An unchanged republish keeps its key.");

        app.EditProgram("System.Console.WriteLine(\"Hello, edited\");");
        await app.PublishContainerAsync();
        string edited = app.KeyFileKey();
        Assert.AreNotEqual(first, edited, "A source edit changes the key.");
        Assert.AreEqual(edited, (await Reader.GetLabelsAsync(app.Repository, "latest"))[KeyLabel]);

        app.EditProgram(original);
        await app.PublishContainerAsync();
        Assert.AreEqual(first, app.KeyFileKey(), "Reverting the edit gives the old key back.");
        Assert.AreEqual(first, (await Reader.GetLabelsAsync(app.Repository, "latest"))[KeyLabel]);

        CollectionAssert.IsSubsetOf(new[] { first, edited }, (await Reader.ListTagsAsync(app.Repository)).ToArray());
    }

    [TestMethod]
    public async Task UserTags_AreKept_AndTheKeyTagIsAdded_WithPrefix()
    {
        TestApp app = TestApp.Create("Tags", "<ContainerImageTags>1.2.3;stable</ContainerImageTags><ContainerCacheTagPrefix>cache-</ContainerCacheTagPrefix>");
        await app.PublishContainerAsync();
        string key = app.KeyFileKey();
        CollectionAssert.AreEquivalent(new[] { "1.2.3", "stable", "cache-" + key }, (await Reader.ListTagsAsync(app.Repository)).ToArray());
    }

    [TestMethod]
    public async Task GenerateTagFalse_NoKeyTag_LabelStill()
    {
        TestApp app = TestApp.Create("NoTag", "<ContainerCacheGenerateTag>false</ContainerCacheGenerateTag>");
        await app.PublishContainerAsync();
        CollectionAssert.AreEquivalent(new[] { "latest" }, (await Reader.ListTagsAsync(app.Repository)).ToArray());
        Assert.AreEqual(app.KeyFileKey(), (await Reader.GetLabelsAsync(app.Repository, "latest"))[KeyLabel]);

        CommandResult again = await app.PublishContainerAsync();
        StringAssert.Contains(again.Output, "Pushed image", "Without the key tag nothing can be found, so the image is built.");
        Assert.AreEqual(0, EndToEnd.Registry.CountRequests("GET", $"/v2/{app.Repository}/manifests/{app.KeyFileKey()}"), "No lookup is made.");
    }

    [TestMethod]
    public async Task ContainerGenerateLabelsFalse_WarnsWithCode()
    {
        TestApp app = TestApp.Create("NoLabels", "<ContainerGenerateLabels>false</ContainerGenerateLabels>");
        CommandResult result = await app.PublishContainerAsync();
        StringAssert.Contains(result.Output, "warning CONTAINERCACHE2001");
        Assert.IsFalse((await Reader.GetLabelsAsync(app.Repository, "latest")).ContainsKey(KeyLabel));
        CollectionAssert.Contains((await Reader.ListTagsAsync(app.Repository)).ToArray(), app.KeyFileKey(), "The tag still carries the key.");
    }

    [TestMethod]
    public async Task InvalidTagPrefix_FailsWithCodedError_NoKeyFile_NoImage()
    {
        TestApp app = TestApp.Create("BadPrefix", "<ContainerCacheTagPrefix>bad prefix:</ContainerCacheTagPrefix>");
        CommandResult result = await app.TryPublishAsync("-t:PublishContainer", "-p:ContainerRegistry=" + EndToEnd.Registry.Host);
        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, "error CONTAINERCACHE1004");
        StringAssert.Contains(result.Output, "ContainerCacheTagPrefix");
        Assert.IsFalse(result.Output.Contains("   at "), "No stack trace:\n" + result.Output);
        Assert.IsFalse(File.Exists(Path.Combine(app.PublishDirectory(), "container-cache.json")));
        Assert.IsNull(await Reader.GetManifestDigestAsync(app.Repository, "latest"));
    }

    [TestMethod]
    public async Task Disabled_NoKeyFile_NoLabel_NoTag()
    {
        TestApp app = TestApp.Create("Disabled", "<ContainerCacheEnabled>false</ContainerCacheEnabled>");
        await app.PublishContainerAsync();
        Assert.IsFalse(File.Exists(Path.Combine(app.PublishDirectory(), "container-cache.json")));
        CollectionAssert.AreEquivalent(new[] { "latest" }, (await Reader.ListTagsAsync(app.Repository)).ToArray());
        Assert.IsFalse((await Reader.GetLabelsAsync(app.Repository, "latest")).ContainsKey(KeyLabel));
    }
}
