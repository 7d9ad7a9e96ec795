namespace ContainerCache.TargetsTests;

/// <summary>
/// What the package adds to the image the SDK is about to build: the key as a label and a tag,
/// the miss tags, the commit as a label. The targets that key and stamp the image run alone, over
/// a publish directory of one file, with the base image keyed by its name: no build, no registry.
/// </summary>
[TestClass]
public sealed class StampingTests
{
    private const string RevisionLabel = "org.opencontainers.image.revision";

    [TestMethod]
    public async Task Miss_StampsTheKeyAsLabelAndTag_KeepsTheProjectsOwn()
    {
        (MSBuildResult result, string key) = await PrepareImageAsync(
            "Stamp", items: """<ContainerLabel Include="com.example.team" Value="blue" />""", arguments: ["-p:ContainerImageTags=\"1.2.3;stable\""]);

        Assert.AreEqual("false", result.Properties["ContainerCacheHit"]);
        CollectionAssert.AreEquivalent(new[] { "1.2.3", "stable", key }, Tags(result));
        Assert.AreEqual(key, Label(result, Targets.KeyLabel));
        Assert.AreEqual("blue", Label(result, "com.example.team"));
    }

    [TestMethod]
    public async Task TagPrefix_GoesBeforeTheKeyInTheTag()
    {
        (MSBuildResult result, string key) = await PrepareImageAsync("Prefix", "<ContainerCacheTagPrefix>cache-</ContainerCacheTagPrefix>");
        CollectionAssert.Contains(Tags(result), "cache-" + key);
        Assert.AreEqual(key, Label(result, Targets.KeyLabel), "The label is the key alone.");
    }

    [TestMethod]
    public async Task GenerateTagFalse_NoKeyTag_LabelStill()
    {
        (MSBuildResult result, string key) = await PrepareImageAsync("NoTag", "<ContainerCacheGenerateTag>false</ContainerCacheGenerateTag>");
        CollectionAssert.DoesNotContain(Tags(result), key);
        Assert.AreEqual(key, Label(result, Targets.KeyLabel));
    }

    [TestMethod]
    public async Task GenerateLabelFalse_NoKeyLabel_TagStill()
    {
        (MSBuildResult result, string key) = await PrepareImageAsync("NoLabel", "<ContainerCacheGenerateLabel>false</ContainerCacheGenerateLabel>");
        Assert.IsNull(Label(result, Targets.KeyLabel));
        CollectionAssert.Contains(Tags(result), key);
        Assert.IsFalse(result.DiagnosticsWithCode("CONTAINERCACHE2001").Any(), "Nothing to warn of: the label was not asked for.");
    }

    [TestMethod]
    public async Task ContainerGenerateLabelsFalse_WarnsWithCode_TagStillCarriesTheKey()
    {
        (MSBuildResult result, string key) = await PrepareImageAsync("NoLabels", "<ContainerGenerateLabels>false</ContainerGenerateLabels>");
        string warning = result.DiagnosticsWithCode("CONTAINERCACHE2001").Single();
        StringAssert.StartsWith(warning, "warning ");
        StringAssert.Contains(warning, "ContainerGenerateLabels is false");
        StringAssert.Contains(warning, Targets.KeyLabel);
        CollectionAssert.Contains(Tags(result), key, "The tag still carries the key.");
    }

    [TestMethod]
    public async Task MissTags_AreAddedToTheImageThatIsBuilt()
    {
        (MSBuildResult result, string key) = await PrepareImageAsync("MissTags", "<ContainerCacheMissTags>built-1; built-2</ContainerCacheMissTags>");
        CollectionAssert.IsSubsetOf(new[] { "built-1", "built-2", key }, Tags(result));
    }

    [TestMethod]
    public async Task Revision_IsALabel_NotPartOfTheKey_UnlessTheProjectSetsItsOwnOrOptsOut()
    {
        (MSBuildResult first, string key) = await PrepareImageAsync("Revision", arguments: ["-p:SourceRevisionId=1111111"]);
        Assert.AreEqual("1111111", Label(first, RevisionLabel));

        (MSBuildResult second, string otherKey) = await PrepareImageAsync("Revision", arguments: ["-p:SourceRevisionId=2222222"]);
        Assert.AreEqual("2222222", Label(second, RevisionLabel));
        Assert.AreEqual(key, otherKey, "The commit is on the image, not in its key.");

        (MSBuildResult own, _) = await PrepareImageAsync("OwnRevision", items: $"""<ContainerLabel Include="{RevisionLabel}" Value="mine" />""", arguments: ["-p:SourceRevisionId=1111111"]);
        Assert.AreEqual("mine", Label(own, RevisionLabel));

        (MSBuildResult optedOut, _) = await PrepareImageAsync("NoRevision", "<ContainerCacheStableAcrossCommits>false</ContainerCacheStableAcrossCommits>", arguments: ["-p:SourceRevisionId=1111111"]);
        Assert.IsNull(Label(optedOut, RevisionLabel), "Opted out, the commit is in the files already.");
    }

    [TestMethod]
    public async Task Disabled_StampsNothing()
    {
        (MSBuildResult result, _) = await PrepareImageAsync("Disabled", "<ContainerCacheEnabled>false</ContainerCacheEnabled>", keyed: false);
        Assert.IsNull(Label(result, Targets.KeyLabel));
        Assert.AreEqual("", result.Properties["ContainerCacheKey"]);
        Assert.IsFalse(Tags(result).Any(t => t.Length == 32), string.Join(", ", Tags(result)));
    }

    /// <summary>Runs the stamping over a publish directory of one file; returns the result and the key.</summary>
    private static async Task<(MSBuildResult Result, string Key)> PrepareImageAsync(string name, string properties = "", string items = "", string[]? arguments = null, bool keyed = true)
    {
        TestProject project = TestProject.Create(name, properties, items);
        project.WriteFile("pub/app.txt", "the app");
        // A build would have made it: the key is also written there (the baseline of the next publish).
        Directory.CreateDirectory(Path.Combine(project.Directory, "obj", "Release", "net10.0"));
        MSBuildResult result = await project.RunAsync(
            [$"-t:{Targets.PrepareImageTarget}", "-p:PublishDir=pub/", "-p:ContainerCacheResolveBaseImage=false",
             "-getProperty:ContainerCacheKey", "-getProperty:ContainerCacheHit", "-getItem:ContainerLabel", "-getItem:ContainerImageTags", .. arguments ?? []]);
        string key = result.Properties["ContainerCacheKey"];
        if (keyed)
        {
            StringAssert.Matches(key, new System.Text.RegularExpressions.Regex("^[0-9a-f]{32}$"), result.Log);
            StringAssert.Contains(File.ReadAllText(Path.Combine(project.Directory, "pub", "container-cache.json")), key);
        }

        return (result, key);
    }

    private static string[] Tags(MSBuildResult result) => result.Items("ContainerImageTags").Select(t => t.Identity).ToArray();

    private static string? Label(MSBuildResult result, string name) =>
        result.Items("ContainerLabel").Where(l => l.Identity == name).Select(l => l.Metadata["Value"]).SingleOrDefault();
}
