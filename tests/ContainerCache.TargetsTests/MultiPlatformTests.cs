using System.Text.RegularExpressions;

namespace ContainerCache.TargetsTests;

/// <summary>
/// A multi-platform project's inner builds, as the package runs them before PublishContainer, and
/// whether it looks its platform images up at all: the targets alone, no publish, no registry.
/// </summary>
[TestClass]
public sealed partial class MultiPlatformTests
{
    private const string Rids = "linux-x64;linux-arm64";

    private static TestProject CreateProject(string name) =>
        TestProject.Create(name, $"<RuntimeIdentifiers>{Rids}</RuntimeIdentifiers><ContainerRuntimeIdentifiers>{Rids}</ContainerRuntimeIdentifiers><ContainerBaseImage>registry.example/base:1</ContainerBaseImage>");

    /// <summary>
    /// The package's inner builds must be the SDK's own (_PublishMultiArchContainers' @(_InnerBuild)):
    /// the same global properties, so that MSBuild reuses the project instances and nothing is
    /// published twice. Checked against the container targets of the SDK the tests run on.
    /// </summary>
    [TestMethod]
    public async Task PlatformBuilds_OnePerRid_WithTheGlobalPropertiesTheSdkGivesItsInnerBuilds()
    {
        TestProject project = CreateProject("Builds");
        MSBuildResult result = await project.RunAsync(
            "-t:ComputeContainerConfig;_ContainerCacheCheckSdk;_ContainerCachePlatformBuilds", "-p:ContainerRegistry=registry.example", "-p:ContainerImageTags=\"1.0;latest\"",
            "-getItem:_ContainerCachePlatformBuild", "-getProperty:_ContainerCacheSdkContainersTargetsFile");

        var builds = result.Items("_ContainerCachePlatformBuild");
        CollectionAssert.AreEqual(new[] { "linux-x64", "linux-arm64" }, builds.Select(b => b.Metadata["RuntimeIdentifier"]).ToArray(), "One per RID, in order.");
        Assert.IsTrue(builds.All(b => b.Identity == project.ProjectFile));

        string sdkTargets = File.ReadAllText(result.Properties["_ContainerCacheSdkContainersTargetsFile"]);
        Match inner = InnerBuild().Match(sdkTargets);
        Assert.IsTrue(inner.Success, "The SDK's _InnerBuild item");
        string[] sdkNames = PropertyNames(inner.Groups["properties"].Value);
        foreach ((string _, IReadOnlyDictionary<string, string> metadata) in builds)
        {
            Dictionary<string, string> properties = Properties(metadata["AdditionalProperties"]);
            CollectionAssert.AreEqual(sdkNames, properties.Keys.ToArray(), "The SDK's names, in its order.");
            Assert.AreEqual(metadata["RuntimeIdentifier"], properties["ContainerRuntimeIdentifier"]);
            Assert.AreEqual(metadata["RuntimeIdentifier"], properties["RuntimeIdentifier"]);
            Assert.AreEqual("1.0;latest", properties["_ContainerImageTags"]);
            Assert.AreEqual("false", properties["_SkipContainerPublishing"], "To a registry each platform image is pushed.");
            Assert.AreEqual("false", properties["_IsMultiRIDBuild"]);
            Assert.AreEqual("true", properties["_IsSingleRIDBuild"]);
            Assert.AreEqual("registry.example/base:1", properties["_InitialContainerBaseImage"]);
        }

        MSBuildResult archive = await project.RunAsync(
            "-t:ComputeContainerConfig;_ContainerCachePlatformBuilds", "-p:ContainerArchiveOutputPath=image.tar", "-getItem:_ContainerCachePlatformBuild");
        Dictionary<string, string> archived = Properties(archive.Items("_ContainerCachePlatformBuild")[0].Metadata["AdditionalProperties"]);
        Assert.AreEqual("true", archived["_SkipContainerPublishing"], "Into an archive the index step writes them all.");
        Assert.AreEqual("OCI", archived["ContainerImageFormat"]);
    }

    [TestMethod]
    public async Task PlatformsAreLookedUp_ToARegistryOrAnArchive_OnAnSdkThatHasWhatItNeeds_WithReuseOn()
    {
        TestProject project = CreateProject("Start");
        async Task<IReadOnlyDictionary<string, string>> StartAsync(params string[] arguments)
        {
            MSBuildResult result = await project.RunAsync(
                ["-t:ComputeContainerConfig;_ContainerCacheDetectImageBuild;_ContainerCacheStartPlatformImages", "-getProperty:_ContainerCacheReusesPlatformImages", "-getProperty:_ContainerCacheReusesPlatformArchive", .. arguments]);
            return result.Properties;
        }

        IReadOnlyDictionary<string, string> registry = await StartAsync("-p:ContainerRegistry=registry.example");
        Assert.AreEqual("true", registry["_ContainerCacheReusesPlatformImages"]);
        Assert.AreEqual("false", registry["_ContainerCacheReusesPlatformArchive"]);

        IReadOnlyDictionary<string, string> archive = await StartAsync("-p:ContainerArchiveOutputPath=image.tar");
        Assert.AreEqual("false", archive["_ContainerCacheReusesPlatformImages"]);
        Assert.AreEqual("true", archive["_ContainerCacheReusesPlatformArchive"]);

        Assert.AreEqual("false", (await StartAsync())["_ContainerCacheReusesPlatformImages"], "The local daemon: nothing to reuse from.");
        Assert.AreEqual("false", (await StartAsync("-p:ContainerRegistry=registry.example", "-p:ContainerCacheReuse=false"))["_ContainerCacheReusesPlatformImages"]);
        Assert.AreEqual("false", (await StartAsync("-p:ContainerRegistry=registry.example", "-p:ContainerCacheGenerateLabel=false"))["_ContainerCacheReusesPlatformImages"]);

        // An SDK whose multi-platform step no longer calls CreateImageIndex: warned of, and nothing looked up.
        string changed = Path.Combine(project.Directory, "Microsoft.NET.Build.Containers.targets");
        MSBuildResult sdk = await project.RunAsync("-t:_ContainerCacheCheckSdk", "-getProperty:_ContainerCacheSdkContainersTargetsFile");
        File.WriteAllText(changed, File.ReadAllText(sdk.Properties["_ContainerCacheSdkContainersTargetsFile"]).Replace("<CreateImageIndex ", "<CreateAnIndex ", StringComparison.Ordinal));
        MSBuildResult old = await project.RunAsync(
            "-t:ComputeContainerConfig;_ContainerCacheDetectImageBuild;_ContainerCacheStartPlatformImages", "-p:ContainerRegistry=registry.example", "-p:_ContainerCacheSdkContainersTargetsFile=" + changed,
            "-getProperty:_ContainerCacheReusesPlatformImages");
        Assert.AreEqual("false", old.Properties["_ContainerCacheReusesPlatformImages"]);
        StringAssert.Contains(old.DiagnosticsWithCode("CONTAINERCACHE2005").Single(), "CreateImageIndex");
    }

    private static string[] PropertyNames(string additionalProperties) => Properties(additionalProperties).Keys.ToArray();

    /// <summary>Parsed as MSBuild parses global properties: a part without '=' continues the value before it.</summary>
    private static Dictionary<string, string> Properties(string additionalProperties)
    {
        var properties = new Dictionary<string, string>();
        string? last = null;
        foreach (string part in additionalProperties.Split(';').Select(p => p.Trim()).Where(p => p.Length > 0))
        {
            int equals = part.IndexOf('=');
            if (equals < 0 && last is not null)
            {
                properties[last] += ";" + part;
                continue;
            }

            last = part[..equals].Trim();
            properties[last] = part[(equals + 1)..].Trim();
        }

        return properties;
    }

    [GeneratedRegex(@"<_InnerBuild\s+Include=""\$\(MSBuildProjectFullPath\)""\s+AdditionalProperties=""(?<properties>[^""]*)""")]
    private static partial Regex InnerBuild();
}
