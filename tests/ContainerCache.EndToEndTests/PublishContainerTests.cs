using ContainerCache.TestRegistry;

namespace ContainerCache.EndToEndTests;

/// <summary>Real <c>dotnet publish -t:PublishContainer</c> runs against a real registry.</summary>
[TestClass]
public sealed class PublishContainerTests
{
    private static RegistryReader Reader => EndToEnd.Reader;

    /// <summary>
    /// The tag and label settings, each as a user sets it, on one built app: each setting is a -p: of its
    /// own, published to a repository of its own, so only the first publish compiles (the package reads
    /// these settings after the build, so a -p: shows what a project property does).
    /// </summary>
    [TestMethod]
    public async Task TagSettings_UserTagsAndPrefix_NoKeyTag_NoLabels_BadPrefix_Disabled()
    {
        TestApp app = TestApp.Create("Settings");
        string keyFile = Path.Combine(app.PublishDirectory(), "container-cache.json");

        // User tags are kept, and the key tag is added with its prefix.
        await app.PublishContainerAsync("-p:ContainerImageTags=\"1.2.3;stable\"", "-p:ContainerCacheTagPrefix=cache-");
        CollectionAssert.AreEquivalent(new[] { "1.2.3", "stable", "cache-" + app.KeyFileKey() }, (await Reader.ListTagsAsync(app.Repository)).ToArray());

        // ContainerCacheGenerateTag=false: no key tag, the label still; without the tag nothing can be found, so the image is built again.
        string noTag = app.Repository + "-notag";
        string[] noTagPublish = ["-p:ContainerRepository=" + noTag, "-p:ContainerCacheGenerateTag=false"];
        await app.PublishContainerAsync(noTagPublish);
        CollectionAssert.AreEquivalent(new[] { "latest" }, (await Reader.ListTagsAsync(noTag)).ToArray());
        Assert.AreEqual(app.KeyFileKey(), (await Reader.GetLabelsAsync(noTag, "latest"))[EndToEnd.KeyLabel]);
        CommandResult again = await app.PublishContainerAsync(noTagPublish);
        StringAssert.Contains(again.Output, "Pushed image", "Without the key tag nothing can be found, so the image is built.");
        Assert.AreEqual(0, EndToEnd.Registry.CountRequests("GET", $"/v2/{noTag}/manifests/{app.KeyFileKey()}"), "No lookup is made.");

        // ContainerGenerateLabels=false: warning 2001, no label, the tag still carries the key.
        string noLabels = app.Repository + "-nolabels";
        CommandResult unlabelled = await app.PublishContainerAsync("-p:ContainerRepository=" + noLabels, "-p:ContainerGenerateLabels=false");
        StringAssert.Contains(unlabelled.Output, "warning CONTAINERCACHE2001");
        Assert.IsFalse((await Reader.GetLabelsAsync(noLabels, "latest")).ContainsKey(EndToEnd.KeyLabel));
        CollectionAssert.Contains((await Reader.ListTagsAsync(noLabels)).ToArray(), app.KeyFileKey(), "The tag still carries the key.");

        // An invalid tag prefix: a coded error naming it, no key file (the earlier publishes' is removed first), no image.
        string badPrefix = app.Repository + "-badprefix";
        File.Delete(keyFile);
        CommandResult bad = await app.TryPublishAsync("-t:PublishContainer", "-p:ContainerRegistry=" + EndToEnd.Registry.Host, "-p:ContainerRepository=" + badPrefix, "-p:ContainerCacheTagPrefix=bad prefix:");
        Assert.AreNotEqual(0, bad.ExitCode);
        StringAssert.Contains(bad.Output, "error CONTAINERCACHE1004");
        StringAssert.Contains(bad.Output, "ContainerCacheTagPrefix");
        Assert.IsFalse(bad.Output.Contains("   at "), "No stack trace:\n" + bad.Output);
        Assert.IsFalse(File.Exists(keyFile));
        Assert.IsNull(await Reader.GetManifestDigestAsync(badPrefix, "latest"));

        // Disabled: no key file, no label, no key tag.
        string disabled = app.Repository + "-disabled";
        await app.PublishContainerAsync("-p:ContainerRepository=" + disabled, "-p:ContainerCacheEnabled=false");
        Assert.IsFalse(File.Exists(keyFile));
        CollectionAssert.AreEquivalent(new[] { "latest" }, (await Reader.ListTagsAsync(disabled)).ToArray());
        Assert.IsFalse((await Reader.GetLabelsAsync(disabled, "latest")).ContainsKey(EndToEnd.KeyLabel));
    }
}
