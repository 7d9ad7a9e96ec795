using ContainerCache.Diagnostics;
using ContainerCache.Hashing;
using ContainerCache.Keys;
using ContainerCache.PublishOutput;

namespace ContainerCache.Tests;

/// <summary>One key computation, without MSBuild: the result, the baseline comparison and the messages' wording.</summary>
[TestClass]
public sealed class KeyComputationTests
{
    [TestMethod]
    public void WithoutABaseline_ReturnsTheKeyAndTag_NoChanges_AndSaysSoAtLowImportance()
    {
        using var dir = new TempDirectory();
        dir.Write("publish/app.dll", "x");

        KeyResult result = KeyComputation.Run(Request(dir, "cache-"), resolveBaseDigest: null);

        Assert.AreEqual("cache-" + result.Key.Key, result.Tag);
        Assert.AreEqual(1, result.Key.FileCount);
        Assert.IsNull(result.Changes);
        Assert.AreEqual("", result.ChangesFingerprint);
        Assert.AreEqual("", result.BaseDigest);
        StringAssert.StartsWith(result.Notes.Single(n => n.Importance == KeyNoteImportance.High).Text, $"key {result.Key.Key} (1 files, ");
        Assert.IsTrue(result.Notes.Any(n => n.Importance == KeyNoteImportance.Low && n.Text == "no earlier key file to compare with."));
        StringAssert.Contains(File.ReadAllText(dir.Combine("container-cache.json")), result.Key.Key);
    }

    [TestMethod]
    public void AgainstTheLastPublish_AnEditIsNamed_AndTheSameChangesAreNotSaidTwice()
    {
        using var dir = new TempDirectory();
        dir.Write("publish/app.dll", "x");
        KeyResult first = KeyComputation.Run(Request(dir), null);
        dir.Write("publish/app.dll", "y");

        KeyRequest second = Request(dir);
        second.PreviousKeyFile = second.Baseline = dir.Combine("obj/previous.json");
        KeyResult edited = KeyComputation.Run(second, null);

        Assert.AreNotEqual(first.Key.Key, edited.Key.Key);
        CollectionAssert.AreEqual(new[] { "file changed: app.dll" }, edited.Changes!.Lines().ToArray());
        KeyNote said = edited.Notes.Last();
        Assert.AreEqual(KeyNoteImportance.High, said.Importance);
        Assert.AreEqual($"changed since the last publish (key {first.Key.Key} then):\n    files changed (1): app.dll", said.Text);

        // The image's key in the same build: the same changes, said once.
        const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        KeyResult image = KeyComputation.WithBaseDigest(edited, Digest);
        CollectionAssert.AreEqual(new[] { "file changed: app.dll" }, image.Changes!.Lines().ToArray());
        Assert.AreEqual(edited.ChangesFingerprint, image.ChangesFingerprint);
        Assert.IsFalse(image.Notes.Any(n => n.Text.StartsWith("changed since", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void TheImagesKey_IsThePublishsKeyWithTheBaseDigest_TheFilesNotReadAgain_UnlessTheyChanged()
    {
        using var dir = new TempDirectory();
        dir.Write("publish/app.dll", "x");
        const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        KeyResult publish = KeyComputation.Run(Request(dir, settings: Base()), null);

        KeyResult image = KeyComputation.WithBaseDigest(publish, Digest);
        ImageSettings given = Base();
        given.BaseDigest = Digest;
        KeyResult fromScratch = KeyComputation.Run(Request(dir, settings: given), null);

        Assert.AreEqual(fromScratch.Key.Key, image.Key.Key, "The same key as one computed with the digest from the start.");
        Assert.AreEqual(Digest, image.BaseDigest);
        Assert.AreEqual("", publish.BaseDigest, "The publish's key is left as it was.");
        StringAssert.Contains(File.ReadAllText(dir.Combine("container-cache.json")), image.Key.Key);
        StringAssert.Contains(File.ReadAllText(dir.Combine("obj/last.json")), image.Key.Key);
        Assert.AreSame(publish, KeyComputation.WithBaseDigest(publish, ""), "No digest: the publish's key is the image's.");
        if (FileStamp.Supported)
        {
            // Written just before it was hashed, so read again (see HashCacheTests for a file old enough).
            StringAssert.Contains(image.Notes.Single(n => n.Importance == KeyNoteImportance.High).Text, " 1 read, ");
        }

        // A file changed between the publish's key and the image's (a target before the image step): keyed again.
        KeyResult again = KeyComputation.Run(Request(dir, settings: Base()), null);
        dir.Write("publish/app.dll", "yy");
        KeyResult changed = KeyComputation.WithBaseDigest(again, Digest);
        KeyResult expected = KeyComputation.Run(Request(dir, settings: given), null);
        Assert.AreEqual(expected.Key.Key, changed.Key.Key);
        Assert.AreNotEqual(image.Key.Key, changed.Key.Key);
    }

    [TestMethod]
    public void AnUnchangedRepublish_SaysTheKeyIsUnchanged()
    {
        using var dir = new TempDirectory();
        dir.Write("publish/app.dll", "x");
        KeyComputation.Run(Request(dir), null);
        KeyRequest request = Request(dir);
        request.PreviousKeyFile = request.Baseline = dir.Combine("obj/previous.json");

        KeyResult result = KeyComputation.Run(request, null);

        Assert.IsTrue(result.Changes!.InputsUnchanged);
        Assert.AreEqual("key unchanged since the last publish.", result.Notes.Last().Text);
    }

    [TestMethod]
    public void NoLastKey_AndNoObjFolderYet_NoBaseline_NoError()
    {
        // A platform's first build in a fresh clone: no key file anywhere, and its obj/ folder not made yet.
        using var dir = new TempDirectory();
        dir.Write("publish/app.dll", "x");
        KeyRequest request = Request(dir);
        request.PreviousKeyFile = request.Baseline = dir.Combine("obj/linux-x64/previous.json");

        KeyResult result = KeyComputation.Run(request, null);

        Assert.IsNull(result.Changes);
        Assert.IsFalse(File.Exists(request.PreviousKeyFile));
        Assert.IsTrue(result.Notes.Any(n => n.Text == "no earlier key file to compare with."));
    }

    [TestMethod]
    public void TheBaseDigest_IsResolvedOnlyWhenAsked_AndOnlyWhenNotGiven()
    {
        using var dir = new TempDirectory();
        dir.Write("publish/app.dll", "x");
        const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        int asked = 0;
        string Resolve(ImageSettings settings)
        {
            asked++;
            return Digest;
        }

        KeyResult byName = KeyComputation.Run(Request(dir, settings: Base()), null);
        KeyResult resolved = KeyComputation.Run(Request(dir, settings: Base()), Resolve);
        ImageSettings given = Base();
        given.BaseDigest = Digest;
        KeyResult byGivenDigest = KeyComputation.Run(Request(dir, settings: given), Resolve);

        Assert.AreEqual(1, asked);
        Assert.AreEqual("", byName.BaseDigest);
        Assert.AreEqual(Digest, resolved.BaseDigest);
        Assert.AreNotEqual(byName.Key.Key, resolved.Key.Key);
        Assert.AreEqual(resolved.Key.Key, byGivenDigest.Key.Key, "The same digest, resolved or given, gives the same key.");
        StringAssert.Contains(resolved.Notes.Single(n => n.Importance == KeyNoteImportance.High).Text, ", base image localhost:5000/base:1 at sha256:0123456789ab");
    }

    [TestMethod]
    public void ANamedBaselineThatIsMissing_IsCONTAINERCACHE1008_TheLastPublishsIsOnlyANote()
    {
        using var dir = new TempDirectory();
        dir.Write("publish/app.dll", "x");
        KeyRequest named = Request(dir);
        named.Baseline = dir.Combine("nowhere.json");
        named.BaselineIsExplicit = true;
        File.WriteAllText(dir.Combine("garbage.json"), "not json");
        KeyRequest last = Request(dir);
        last.Baseline = dir.Combine("garbage.json");

        var error = Assert.ThrowsExactly<ContainerCacheException>(() => KeyComputation.Run(named, null));
        KeyResult result = KeyComputation.Run(last, null);

        Assert.AreEqual("CONTAINERCACHE1008", error.Code);
        StringAssert.Contains(error.Message, "ContainerCacheBaseline '" + named.Baseline + "' cannot be read as a key file");
        Assert.IsNull(result.Changes);
        Assert.IsTrue(result.Notes.Any(n => n.Importance == KeyNoteImportance.Normal && n.Text.StartsWith("the last publish's key file cannot be compared with", StringComparison.Ordinal)), string.Join("\n", result.Notes.Select(n => n.Text)));
    }

    private static ImageSettings Base() => new() { BaseRegistry = "localhost:5000", BaseRepository = "base", BaseTag = "1" };

    private static KeyRequest Request(TempDirectory dir, string tagPrefix = "", ImageSettings? settings = null) => new()
    {
        PublishDirectory = dir.Combine("publish"),
        KeyFile = dir.Combine("container-cache.json"),
        LastKeyFile = dir.Combine("obj/last.json"),
        TagPrefix = tagPrefix,
        Settings = settings ?? new ImageSettings(),
    };
}
