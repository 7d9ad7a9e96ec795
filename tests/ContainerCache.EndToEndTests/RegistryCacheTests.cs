using System.Text.Json;
using ContainerCache.TestRegistry;

namespace ContainerCache.EndToEndTests;

/// <summary>The registry as the shared cache: real publishes, a real registry, its access log as the witness.</summary>
[TestClass]
public sealed class RegistryCacheTests
{
    private const string KeyLabel = "dev.containercache.key";

    /// <summary>Prints what the SDK's outputs hold after PublishContainer, as a user's target would read them.</summary>
    private const string ShowOutputs = """
        <Target Name="ShowOutputs" AfterTargets="PublishContainer">
          <Message Importance="high" Text="OUTPUT hit=$(ContainerCacheHit) digest=$(GeneratedContainerDigest) names=@(GeneratedContainerName)" />
        </Target>
        """;

    private static RegistryReader Reader => EndToEnd.Reader;

    [TestMethod]
    public async Task UnchangedRepublish_UploadsNoBlob_KeepsTheDigest_PointsNewTagsAtIt()
    {
        TestApp app = TestApp.Create("Reuse");
        app.Customize(ShowOutputs);
        CommandResult first = await app.PublishContainerAsync();
        string key = app.KeyFileKey();
        StringAssert.Contains(first.Output, "ContainerCache: miss:");
        StringAssert.Contains(first.Output, "OUTPUT hit=false");
        string digest = (await Reader.GetManifestDigestAsync(app.Repository, "latest"))!;
        int uploads = Uploads(app);
        int manifestPuts = EndToEnd.Registry.CountRequests("PUT", $"/v2/{app.Repository}/manifests/");
        Assert.IsTrue(uploads > 0, "The first publish uploads its layer.");

        CommandResult second = await app.PublishContainerAsync("-p:ContainerImageTags=\"latest;2.0\"");

        StringAssert.Contains(second.Output, "ContainerCache: hit:");
        StringAssert.Contains(second.Output, $"OUTPUT hit=true digest={digest}");
        StringAssert.Contains(second.Output, $"{EndToEnd.Registry.Host}/{app.Repository}:2.0");
        Assert.IsFalse(second.Output.Contains("Pushed image"), "The SDK built nothing:\n" + second.Output);
        Assert.AreEqual(uploads, Uploads(app), "No blob was uploaded.");
        Assert.AreEqual(manifestPuts + 1, EndToEnd.Registry.CountRequests("PUT", $"/v2/{app.Repository}/manifests/"), "One manifest PUT for the new tag; latest names the image already.");
        StringAssert.Contains(second.Output, "tagged 2.0; latest names it already");
        Assert.AreEqual(key, app.KeyFileKey());
        Assert.AreEqual(digest, await Reader.GetManifestDigestAsync(app.Repository, "latest"), "The same image, not a rebuild.");
        Assert.AreEqual(digest, await Reader.GetManifestDigestAsync(app.Repository, "2.0"), "The new tag points at it.");
        using JsonDocument inspected = await Skopeo.InspectAsync($"{EndToEnd.Registry.Host}/{app.Repository}:2.0");
        Assert.AreEqual(key, inspected.RootElement.GetProperty("Labels").GetProperty(KeyLabel).GetString());
    }

    [TestMethod]
    public async Task Edit_IsAMiss_Revert_IsAHitOnTheFirstImage()
    {
        TestApp app = TestApp.Create("EditRevert");
        string original = File.ReadAllText(app.ProgramFile);
        await app.PublishContainerAsync();
        string firstDigest = (await Reader.GetManifestDigestAsync(app.Repository, "latest"))!;

        app.EditProgram("System.Console.WriteLine(\"edited\");");
        CommandResult edited = await app.PublishContainerAsync();
        StringAssert.Contains(edited.Output, "ContainerCache: miss:");
        Assert.AreNotEqual(firstDigest, await Reader.GetManifestDigestAsync(app.Repository, "latest"));

        app.EditProgram(original);
        CommandResult reverted = await app.PublishContainerAsync();
        StringAssert.Contains(reverted.Output, "ContainerCache: hit:");
        Assert.AreEqual(firstDigest, await Reader.GetManifestDigestAsync(app.Repository, "latest"), "latest points back at the first image.");
    }

    [TestMethod]
    public async Task BaseRepushedUnderTheSameTag_NewKey_NewImage()
    {
        string baseTag = "moving-" + Guid.NewGuid().ToString("N")[..8];
        string firstBase = await BaseImage.PushAsync(EndToEnd.Registry.Host, "base", baseTag, BaseImage.LinuxAmd64AndArm64);
        TestApp app = TestApp.Create("Repushed", $"<ContainerBaseImage>{EndToEnd.Registry.Host}/base:{baseTag}</ContainerBaseImage>");
        await app.PublishContainerAsync();
        string first = app.KeyFileKey();
        StringAssert.Contains(File.ReadAllText(KeyFilePath(app)), firstBase, "The key file records the base digest.");

        string patchedBase = await BaseImage.PushAsync(EndToEnd.Registry.Host, "base", baseTag, BaseImage.LinuxAmd64AndArm64, marker: "security patch");
        Assert.AreNotEqual(firstBase, patchedBase);
        CommandResult second = await app.PublishContainerAsync();

        string patched = app.KeyFileKey();
        Assert.AreNotEqual(first, patched, "A base re-pushed under the same tag changes the key.");
        StringAssert.Contains(second.Output, "ContainerCache: miss:");
        StringAssert.Contains(File.ReadAllText(KeyFilePath(app)), patchedBase);
        Assert.AreEqual(patched, (await Reader.GetLabelsAsync(app.Repository, "latest"))[KeyLabel]);
    }

    [TestMethod]
    public async Task PlainPublish_KeysTheBaseByName_WithoutTheNetwork_AContainerPublishByDigest()
    {
        TestApp app = TestApp.Create("PlainBase");
        CommandResult plain = await app.PublishAsync();
        string plainKey = app.KeyFileKey();
        Assert.IsFalse(plain.Output.Contains("warning", StringComparison.OrdinalIgnoreCase), "A plain publish stays quiet:\n" + plain.Output);
        StringAssert.Contains(File.ReadAllText(KeyFilePath(app)), "\"digest\": null");

        await app.PublishContainerAsync();
        string imageKey = app.KeyFileKey();
        Assert.AreNotEqual(plainKey, imageKey);
        StringAssert.Contains(File.ReadAllText(KeyFilePath(app)), EndToEnd.BaseDigest);
        Assert.AreEqual(imageKey, (await Reader.GetLabelsAsync(app.Repository, "latest"))[KeyLabel]);
    }

    [TestMethod]
    public async Task BasePinnedByDigest_PlainPublishWritesTheKeyTheImageCarries()
    {
        TestApp app = TestApp.Create("Pinned", $"<ContainerBaseImage>{EndToEnd.BaseImage}@{EndToEnd.BaseDigest}</ContainerBaseImage>");
        await app.PublishAsync();
        string plainKey = app.KeyFileKey();

        await app.PublishContainerAsync();
        Assert.AreEqual(plainKey, app.KeyFileKey());
        Assert.AreEqual(plainKey, (await Reader.GetLabelsAsync(app.Repository, "latest"))[KeyLabel]);
    }

    [TestMethod]
    public async Task UnrelatedImageUnderTheKeyTag_WithoutTheLabel_IsNotAHit_AndIsReplaced()
    {
        TestApp app = TestApp.Create("Impostor");
        await app.PublishContainerAsync("-p:ContainerRepository=" + app.Repository + "-probe");
        string key = app.KeyFileKey();

        string impostor = await BaseImage.PushAsync(EndToEnd.Registry.Host, app.Repository, key, [("linux", "amd64")], marker: "impostor");
        CommandResult result = await app.PublishContainerAsync();

        StringAssert.Contains(result.Output, "ContainerCache: miss:");
        StringAssert.Contains(result.Output, "has no dev.containercache.key label");
        StringAssert.Contains(result.Output, "Pushed image");
        Assert.AreNotEqual(impostor, await Reader.GetManifestDigestAsync(app.Repository, key), "The key tag now names the real image.");
        Assert.AreEqual(key, (await Reader.GetLabelsAsync(app.Repository, key))[KeyLabel]);
        Assert.AreEqual(key, (await Reader.GetLabelsAsync(app.Repository, "latest"))[KeyLabel]);
    }

    [TestMethod]
    public async Task ImageUnderTheKeyTag_LabelledWithAnotherKey_IsNotAHit()
    {
        TestApp app = TestApp.Create("OtherKey");
        await app.PublishContainerAsync("-p:ContainerRepository=" + app.Repository + "-probe");
        string key = app.KeyFileKey();
        string other = new string('0', 32);
        await BaseImage.PushAsync(EndToEnd.Registry.Host, app.Repository, key, [("linux", "amd64")], labels: new Dictionary<string, string> { [KeyLabel] = other });

        CommandResult result = await app.PublishContainerAsync();

        StringAssert.Contains(result.Output, $"is labelled with the key {other}, not {key}");
        StringAssert.Contains(result.Output, "Pushed image");
        Assert.AreEqual(key, (await Reader.GetLabelsAsync(app.Repository, key))[KeyLabel]);
    }

    [TestMethod]
    public async Task ReuseOff_AlwaysBuilds()
    {
        TestApp app = TestApp.Create("ReuseOff", "<ContainerCacheReuse>false</ContainerCacheReuse>");
        await app.PublishContainerAsync();
        int uploads = Uploads(app);

        CommandResult second = await app.PublishContainerAsync();

        Assert.IsFalse(second.Output.Contains("ContainerCache: hit"), second.Output);
        StringAssert.Contains(second.Output, "Pushed image");
        Assert.AreEqual(app.KeyFileKey(), (await Reader.GetLabelsAsync(app.Repository, "latest"))[KeyLabel], "The key is still stamped.");
        Assert.AreEqual(0, EndToEnd.Registry.CountRequests("GET", $"/v2/{app.Repository}/manifests/{app.KeyFileKey()}"), "No lookup.");
        Assert.IsTrue(uploads > 0);
    }

    [TestMethod]
    public async Task MissTags_AreAppliedOnlyWhenTheImageIsBuilt()
    {
        TestApp app = TestApp.Create("MissTags");
        await app.PublishContainerAsync("-p:ContainerCacheMissTags=built-1");
        CollectionAssert.Contains((await Reader.ListTagsAsync(app.Repository)).ToArray(), "built-1");

        CommandResult hit = await app.PublishContainerAsync("-p:ContainerCacheMissTags=built-2");

        StringAssert.Contains(hit.Output, "ContainerCache: hit:");
        CollectionAssert.DoesNotContain((await Reader.ListTagsAsync(app.Repository)).ToArray(), "built-2");
    }

    [TestMethod]
    public async Task Archive_WithTheSameKeyAndNames_IsNotRewritten()
    {
        TestApp app = TestApp.Create("ArchiveReuse");
        app.Customize(ShowOutputs);
        string archive = Path.Combine(app.Directory, "image.tar");
        await app.PublishAsync("-t:PublishContainer", "-p:ContainerArchiveOutputPath=" + archive);
        byte[] written = File.ReadAllBytes(archive);
        DateTime writtenAt = File.GetLastWriteTimeUtc(archive);

        CommandResult same = await app.PublishAsync("-t:PublishContainer", "-p:ContainerArchiveOutputPath=" + archive);
        StringAssert.Contains(same.Output, "ContainerCache: hit: the archive");
        StringAssert.Contains(same.Output, "OUTPUT hit=true");
        Assert.AreEqual(writtenAt, File.GetLastWriteTimeUtc(archive), "Left as it is.");
        CollectionAssert.AreEqual(written, File.ReadAllBytes(archive));

        CommandResult newTag = await app.PublishAsync("-t:PublishContainer", "-p:ContainerArchiveOutputPath=" + archive, "-p:ContainerImageTags=\"latest;2.0\"");
        StringAssert.Contains(newTag.Output, "does not hold the name");
        Assert.AreNotEqual(writtenAt, File.GetLastWriteTimeUtc(archive), "A new name is written.");

        app.EditProgram("System.Console.WriteLine(\"edited\");");
        CommandResult edited = await app.PublishAsync("-t:PublishContainer", "-p:ContainerArchiveOutputPath=" + archive, "-p:ContainerImageTags=\"latest;2.0\"");
        StringAssert.Contains(edited.Output, "ContainerCache: miss: the archive");
        StringAssert.Contains(edited.Output, "its image has the key");
    }

    [TestMethod]
    public async Task Verify_PassesForTheImageOfTheCurrentSources_FailsOtherwise()
    {
        TestApp app = TestApp.Create("Verify");
        await app.PublishContainerAsync();
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

    private static int Uploads(TestApp app) =>
        EndToEnd.Registry.CountRequests("POST", $"/v2/{app.Repository}/blobs/uploads/")
        + EndToEnd.Registry.CountRequests("PUT", $"/v2/{app.Repository}/blobs/uploads/")
        + EndToEnd.Registry.CountRequests("PATCH", $"/v2/{app.Repository}/blobs/uploads/");

    private static string KeyFilePath(TestApp app) => Path.Combine(app.PublishDirectory(), "container-cache.json");
}
