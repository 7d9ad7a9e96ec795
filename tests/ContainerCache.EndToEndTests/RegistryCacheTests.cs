using System.Text.Json;
using ContainerCache.TestRegistry;

namespace ContainerCache.EndToEndTests;

/// <summary>The registry as the shared cache: real publishes, a real registry, its access log as the witness.</summary>
[TestClass]
public sealed class RegistryCacheTests
{
    /// <summary>Prints what the SDK's outputs hold after PublishContainer, as a user's target would read them.</summary>
    private const string ShowOutputs = """
        <Target Name="ShowOutputs" AfterTargets="PublishContainer">
          <Message Importance="high" Text="OUTPUT hit=$(ContainerCacheHit) digest=$(GeneratedContainerDigest) names=@(GeneratedContainerName)" />
        </Target>
        """;

    private static RegistryReader Reader => EndToEnd.Reader;

    /// <summary>
    /// The cache's round trip on one app, each check on the publish that shows it (four publishes, where
    /// five tests took twelve): the first publish's key file, label and tags agree; an unchanged
    /// republish keeps the key and reuses the image; an edit is a new key and image; the revert gives the
    /// old key back and reuses the first image. Then, on the same app rather than a first publish of its
    /// own: with reuse off, a republish builds although the key's image is stored; and Verify against
    /// that image, the current sources, an edit, a missing tag, no image named, the package off.
    /// </summary>
    [TestMethod]
    public async Task FirstPublish_KeyFileLabelAndTagAgree_Unchanged_Hit_Edit_Miss_Revert_HitOnTheFirstImage_ReuseOff_Builds_Verify_PassesForTheCurrentSources_FailsOtherwise()
    {
        TestApp app = TestApp.Create("Cycle");
        app.Customize(ShowOutputs);
        string original = File.ReadAllText(app.ProgramFile);

        // First publish: a miss; the key file, the key tag, the label and the outputs agree.
        CommandResult first = await app.PublishContainerAsync("-p:ContainerCacheMissTags=built-1");
        string key = app.KeyFileKey();
        StringAssert.Matches(key, new System.Text.RegularExpressions.Regex("^[0-9a-f]{32}$"));
        StringAssert.Contains(first.Output, "ContainerCache: key " + key);
        StringAssert.Contains(first.Output, "ContainerCache: miss:");
        StringAssert.Contains(first.Output, "OUTPUT hit=false");
        CollectionAssert.AreEquivalent(new[] { "latest", key, "built-1" }, (await Reader.ListTagsAsync(app.Repository)).ToArray(), "The user's tag, the key tag, and the miss tag of a built image.");
        string digest = (await Reader.GetManifestDigestAsync(app.Repository, "latest"))!;
        Assert.AreEqual(digest, await Reader.GetManifestDigestAsync(app.Repository, key), "The key tag and the user's tag name the same image.");
        Assert.AreEqual(key, (await Reader.GetLabelsAsync(app.Repository, key))[EndToEnd.KeyLabel]);
        using (JsonDocument inspected = await Skopeo.InspectAsync($"{EndToEnd.Registry.Host}/{app.Repository}:{key}"))
        {
            Assert.AreEqual(key, inspected.RootElement.GetProperty("Labels").GetProperty(EndToEnd.KeyLabel).GetString(), "An independent client reads the same.");
        }

        int uploads = Uploads(app);
        int manifestPuts = EndToEnd.Registry.CountRequests("PUT", $"/v2/{app.Repository}/manifests/");
        Assert.IsTrue(uploads > 0, "The first publish uploads its layer.");

        // Unchanged, with a new tag and another miss tag: the same key, a hit, no blob, the new tag only.
        CommandResult second = await app.PublishContainerAsync("-p:ContainerImageTags=\"latest;2.0\"", "-p:ContainerCacheMissTags=built-2");
        StringAssert.Contains(second.Output, "ContainerCache: hit:");
        StringAssert.Contains(second.Output, $"OUTPUT hit=true digest={digest}");
        StringAssert.Contains(second.Output, $"{EndToEnd.Registry.Host}/{app.Repository}:2.0");
        Assert.IsFalse(second.Output.Contains("Pushed image"), "The SDK built nothing:\n" + second.Output);
        Assert.AreEqual(key, app.KeyFileKey(), "An unchanged republish keeps its key.");
        Assert.AreEqual(uploads, Uploads(app), "No blob was uploaded.");
        Assert.AreEqual(manifestPuts + 1, EndToEnd.Registry.CountRequests("PUT", $"/v2/{app.Repository}/manifests/"), "One manifest PUT for the new tag; latest names the image already.");
        StringAssert.Contains(second.Output, "tagged 2.0; latest names it already");
        Assert.AreEqual(digest, await Reader.GetManifestDigestAsync(app.Repository, "latest"), "The same image, not a rebuild.");
        Assert.AreEqual(digest, await Reader.GetManifestDigestAsync(app.Repository, "2.0"), "The new tag points at it.");
        CollectionAssert.DoesNotContain((await Reader.ListTagsAsync(app.Repository)).ToArray(), "built-2", "Miss tags are applied only when the image is built.");
        using (JsonDocument inspected = await Skopeo.InspectAsync($"{EndToEnd.Registry.Host}/{app.Repository}:2.0"))
        {
            Assert.AreEqual(key, inspected.RootElement.GetProperty("Labels").GetProperty(EndToEnd.KeyLabel).GetString());
        }

        // An edit: a new key, a miss, a new image under latest.
        app.EditProgram("System.Console.WriteLine(\"edited\");");
        CommandResult edited = await app.PublishContainerAsync();
        string editedKey = app.KeyFileKey();
        Assert.AreNotEqual(key, editedKey, "A source edit changes the key.");
        StringAssert.Contains(edited.Output, "ContainerCache: miss:");
        Assert.AreNotEqual(digest, await Reader.GetManifestDigestAsync(app.Repository, "latest"));
        Assert.AreEqual(editedKey, (await Reader.GetLabelsAsync(app.Repository, "latest"))[EndToEnd.KeyLabel]);

        // The revert: the old key, a hit on the first image.
        app.EditProgram(original);
        CommandResult reverted = await app.PublishContainerAsync();
        Assert.AreEqual(key, app.KeyFileKey(), "Reverting the edit gives the old key back.");
        StringAssert.Contains(reverted.Output, "ContainerCache: hit:");
        Assert.AreEqual(digest, await Reader.GetManifestDigestAsync(app.Repository, "latest"), "latest points back at the first image.");
        Assert.AreEqual(key, (await Reader.GetLabelsAsync(app.Repository, "latest"))[EndToEnd.KeyLabel]);
        CollectionAssert.IsSubsetOf(new[] { key, editedKey }, (await Reader.ListTagsAsync(app.Repository)).ToArray());

        // Reuse off, the key's image stored: it is built and stamped again, and not even looked up
        // (the lookups counted from just before this publish; the ones above were hits).
        int lookups = EndToEnd.Registry.CountRequests("GET", $"/v2/{app.Repository}/manifests/{app.KeyFileKey()}");
        CommandResult reuseOff = await app.PublishContainerAsync("-p:ContainerCacheReuse=false");
        Assert.IsFalse(reuseOff.Output.Contains("ContainerCache: hit"), reuseOff.Output);
        StringAssert.Contains(reuseOff.Output, "Pushed image");
        Assert.AreEqual(app.KeyFileKey(), (await Reader.GetLabelsAsync(app.Repository, "latest"))[EndToEnd.KeyLabel], "The key is still stamped.");
        Assert.AreEqual(lookups, EndToEnd.Registry.CountRequests("GET", $"/v2/{app.Repository}/manifests/{app.KeyFileKey()}"), "No lookup.");

        string image = $"{EndToEnd.Registry.Host}/{app.Repository}:latest";
        CommandResult pass = await app.TryPublishAsync("-t:ContainerCacheVerify", "-p:ContainerCacheVerifyImage=" + image);
        Assert.AreEqual(0, pass.ExitCode, pass.Output);
        StringAssert.Contains(pass.Output, "ContainerCache: verified: " + image);

        app.EditProgram("System.Console.WriteLine(\"not deployed yet\");");
        CommandResult fail = await app.TryPublishAsync("-t:ContainerCacheVerify", "-p:ContainerCacheVerifyImage=" + image);
        Assert.AreNotEqual(0, fail.ExitCode);
        StringAssert.Contains(fail.Output, "error CONTAINERCACHE1006");
        StringAssert.Contains(fail.Output, app.KeyFileKey());

        CommandResult missing = await app.TryPublishAsync("-t:ContainerCacheVerify", $"-p:ContainerCacheVerifyImage={EndToEnd.Registry.Host}/{app.Repository}:no-such-tag");
        Assert.AreNotEqual(0, missing.ExitCode);
        StringAssert.Contains(missing.Output, "error CONTAINERCACHE1007");

        CommandResult empty = await app.TryPublishAsync("-t:ContainerCacheVerify");
        StringAssert.Contains(empty.Output, "error CONTAINERCACHE1003");
        StringAssert.Contains(empty.Output, "ContainerCacheVerifyImage");

        CommandResult disabled = await app.TryPublishAsync("-t:ContainerCacheVerify", "-p:ContainerCacheEnabled=false", "-p:ContainerCacheVerifyImage=" + image);
        Assert.AreNotEqual(0, disabled.ExitCode);
        StringAssert.Contains(disabled.Output, "error CONTAINERCACHE1014");
        StringAssert.Contains(disabled.Output, "ContainerCacheEnabled is 'false', so there is no key to explain or verify");
    }

    /// <summary>
    /// How the base image enters the key, three ways on one built app (each base a -p: of its own, to a
    /// repository of its own, so only the first publish compiles): named by tag, a plain publish keys the
    /// name and a container publish the digest; pinned by digest, both write the key the image carries;
    /// re-pushed under the same tag, a new key and a new image.
    /// </summary>
    [TestMethod]
    public async Task BaseImage_PlainPublishKeysTheName_ContainerPublishTheDigest_PinnedKeysAgree_RepushedIsANewKey()
    {
        TestApp app = TestApp.Create("BaseImage");

        // Named by tag: a plain publish keys the name, without the network, and quietly.
        CommandResult plain = await app.PublishAsync();
        string plainKey = app.KeyFileKey();
        Assert.IsFalse(plain.Output.Contains("warning", StringComparison.OrdinalIgnoreCase), "A plain publish stays quiet:\n" + plain.Output);
        StringAssert.Contains(File.ReadAllText(KeyFilePath(app)), "\"digest\": null");

        await app.PublishContainerAsync();
        string imageKey = app.KeyFileKey();
        Assert.AreNotEqual(plainKey, imageKey);
        StringAssert.Contains(File.ReadAllText(KeyFilePath(app)), EndToEnd.BaseDigest);
        Assert.AreEqual(imageKey, (await Reader.GetLabelsAsync(app.Repository, "latest"))[EndToEnd.KeyLabel]);

        // Pinned by digest: the plain publish writes the key the image carries.
        string pinned = app.Repository + "-pinned";
        string[] pinnedBase = ["-p:ContainerBaseImage=" + EndToEnd.BaseImage + "@" + EndToEnd.BaseDigest, "-p:ContainerRepository=" + pinned];
        await app.PublishAsync(pinnedBase);
        string pinnedKey = app.KeyFileKey();
        await app.PublishContainerAsync(pinnedBase);
        Assert.AreEqual(pinnedKey, app.KeyFileKey());
        Assert.AreEqual(pinnedKey, (await Reader.GetLabelsAsync(pinned, "latest"))[EndToEnd.KeyLabel]);

        // Re-pushed under the same tag: a new key, a miss, a new image.
        string baseTag = "moving-" + Guid.NewGuid().ToString("N")[..8];
        string firstBase = await BaseImage.PushAsync(EndToEnd.Registry.Host, "base", baseTag, BaseImage.LinuxAmd64AndArm64);
        string repushed = app.Repository + "-repushed";
        string[] movingBase = [$"-p:ContainerBaseImage={EndToEnd.Registry.Host}/base:{baseTag}", "-p:ContainerRepository=" + repushed];
        await app.PublishContainerAsync(movingBase);
        string first = app.KeyFileKey();
        StringAssert.Contains(File.ReadAllText(KeyFilePath(app)), firstBase, "The key file records the base digest.");

        string patchedBase = await BaseImage.PushAsync(EndToEnd.Registry.Host, "base", baseTag, BaseImage.LinuxAmd64AndArm64, marker: "security patch");
        Assert.AreNotEqual(firstBase, patchedBase);
        CommandResult second = await app.PublishContainerAsync(movingBase);

        string patched = app.KeyFileKey();
        Assert.AreNotEqual(first, patched, "A base re-pushed under the same tag changes the key.");
        StringAssert.Contains(second.Output, "ContainerCache: miss:");
        StringAssert.Contains(File.ReadAllText(KeyFilePath(app)), patchedBase);
        Assert.AreEqual(patched, (await Reader.GetLabelsAsync(repushed, "latest"))[EndToEnd.KeyLabel]);
    }

    private static int Uploads(TestApp app) =>
        EndToEnd.Registry.CountRequests("POST", $"/v2/{app.Repository}/blobs/uploads/")
        + EndToEnd.Registry.CountRequests("PUT", $"/v2/{app.Repository}/blobs/uploads/")
        + EndToEnd.Registry.CountRequests("PATCH", $"/v2/{app.Repository}/blobs/uploads/");

    private static string KeyFilePath(TestApp app) => Path.Combine(app.PublishDirectory(), "container-cache.json");
}
