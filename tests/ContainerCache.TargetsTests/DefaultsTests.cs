namespace ContainerCache.TargetsTests;

/// <summary>
/// The defaults that make builds reproducible (ContainerCache.props), what they leave alone, and
/// their undo when a switch is turned off: evaluation only, no target runs.
/// </summary>
[TestClass]
public sealed class DefaultsTests
{
    private static readonly string[] SourceControlProperties = ["IncludeSourceRevisionInInformationalVersion", "EnableSourceLink", "EmbedUntrackedSources"];
    private static readonly string[] SourcePathProperties = ["PathMap", "DeterministicSourcePaths"];

    [TestMethod]
    public async Task Defaults_MapTheProjectFolder_KeepGitOutOfShippedFiles_EverySwitchOn()
    {
        TestProject project = TestProject.Create("Defaults");
        IReadOnlyDictionary<string, string> values = await project.EvaluateAsync(
            [.. SourcePathProperties, .. SourceControlProperties,
             "ContainerCacheEnabled", "ContainerCacheGenerateLabel", "ContainerCacheGenerateTag", "ContainerCacheReuse",
             "ContainerCacheResolveBaseImage", "ContainerCacheIncremental", "ContainerCachePruneStaleFiles"]);

        Assert.AreEqual(project.Directory + "=/_/", values["PathMap"]);
        Assert.AreEqual("true", values["DeterministicSourcePaths"]);
        Assert.AreEqual("false", values["IncludeSourceRevisionInInformationalVersion"]);
        Assert.AreEqual("false", values["EnableSourceLink"]);
        Assert.AreEqual("false", values["EmbedUntrackedSources"]);
        foreach (string on in new[] { "ContainerCacheEnabled", "ContainerCacheGenerateLabel", "ContainerCacheGenerateTag", "ContainerCacheReuse", "ContainerCacheResolveBaseImage", "ContainerCacheIncremental" })
        {
            Assert.AreEqual("true", values[on], on);
        }

        Assert.AreEqual("false", values["ContainerCachePruneStaleFiles"]);
    }

    [TestMethod]
    public async Task ValuesTheUserSetBeforeThePackage_AreKept_AlsoWhenASwitchIsTurnedOff()
    {
        // Set before ContainerCache.props runs (on the command line), then the switches turned off in the project.
        TestProject project = TestProject.Create(
            "UserValues",
            "<ContainerCacheMapSourcePaths>false</ContainerCacheMapSourcePaths><ContainerCacheStableAcrossCommits>false</ContainerCacheStableAcrossCommits>");
        IReadOnlyDictionary<string, string> values = await project.EvaluateAsync(
            [.. SourcePathProperties, .. SourceControlProperties,
             "-p:PathMap=/src=/app/", "-p:DeterministicSourcePaths=false", "-p:IncludeSourceRevisionInInformationalVersion=false", "-p:EnableSourceLink=false", "-p:EmbedUntrackedSources=false"]);

        Assert.AreEqual("/src=/app/", values["PathMap"]);
        Assert.AreEqual("false", values["DeterministicSourcePaths"]);
        Assert.AreEqual("false", values["IncludeSourceRevisionInInformationalVersion"]);
        Assert.AreEqual("false", values["EnableSourceLink"]);
        Assert.AreEqual("false", values["EmbedUntrackedSources"]);
    }

    // Replaces the end-to-end EmbedUntrackedSources_..._TheProjectsOwnValueKept (three restores and
    // three evaluations in dotnet commands of their own).
    [TestMethod]
    public async Task ValuesTheProjectSets_AreKept()
    {
        TestProject project = TestProject.Create(
            "ProjectValues",
            "<EmbedUntrackedSources>true</EmbedUntrackedSources><EnableSourceLink>true</EnableSourceLink><IncludeSourceRevisionInInformationalVersion>true</IncludeSourceRevisionInInformationalVersion><DeterministicSourcePaths>false</DeterministicSourcePaths>");
        IReadOnlyDictionary<string, string> values = await project.EvaluateAsync([.. SourcePathProperties, .. SourceControlProperties]);

        Assert.AreEqual("true", values["EmbedUntrackedSources"]);
        Assert.AreEqual("true", values["EnableSourceLink"]);
        Assert.AreEqual("true", values["IncludeSourceRevisionInInformationalVersion"]);
        Assert.AreEqual("false", values["DeterministicSourcePaths"]);
    }

    // Replaces the end-to-end MapSourcePathsFalse_TheBuildsFolderReachesTheBytes: without the
    // mapping the compiler writes the project folder into the DLL and PDB, as the SDK alone does.
    [TestMethod]
    [DataRow(true, DisplayName = "in the project")]
    [DataRow(false, DisplayName = "on the command line")]
    public async Task MapSourcePathsFalse_GivesTheSdksOwnSourcePaths(bool inTheProject)
    {
        IReadOnlyDictionary<string, string> values = await SwitchedOffAsync("ContainerCacheMapSourcePaths", inTheProject, SourcePathProperties);
        IReadOnlyDictionary<string, string> sdk = await TestProject.Create("SdkAlone", withPackage: false).EvaluateAsync(SourcePathProperties);

        Assert.AreEqual("", values["PathMap"], "The build's folder reaches the bytes.");
        AssertSame(sdk, values, SourcePathProperties);
    }

    // Replaces the end-to-end StableAcrossCommitsFalse_EveryCommitChangesTheKey: opted out, the SDK
    // stamps the commit into the informational version again, and Source Link data into PDBs.
    [TestMethod]
    [DataRow(true, DisplayName = "in the project")]
    [DataRow(false, DisplayName = "on the command line")]
    public async Task StableAcrossCommitsFalse_GivesTheSdksOwnSourceControlSettings(bool inTheProject)
    {
        IReadOnlyDictionary<string, string> values = await SwitchedOffAsync("ContainerCacheStableAcrossCommits", inTheProject, SourceControlProperties);
        IReadOnlyDictionary<string, string> sdk = await TestProject.Create("SdkAlone", withPackage: false).EvaluateAsync(SourceControlProperties);

        Assert.AreEqual("true", values["IncludeSourceRevisionInInformationalVersion"], "The commit goes into the informational version.");
        Assert.AreEqual("true", values["EnableSourceLink"]);
        Assert.AreEqual("true", values["EmbedUntrackedSources"]);
        AssertSame(sdk, values, SourceControlProperties);
    }

    private static void AssertSame(IReadOnlyDictionary<string, string> sdk, IReadOnlyDictionary<string, string> values, string[] properties)
    {
        foreach (string property in properties)
        {
            Assert.AreEqual(sdk[property], values[property], $"{property}: as the SDK sets it without the package.");
        }
    }

    private static Task<IReadOnlyDictionary<string, string>> SwitchedOffAsync(string name, bool inTheProject, string[] properties) =>
        inTheProject
            ? TestProject.Create("Off", $"<{name}>false</{name}>").EvaluateAsync(properties)
            : TestProject.Create("Off").EvaluateAsync([.. properties, $"-p:{name}=false"]);
}
