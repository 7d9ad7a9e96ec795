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

        // The local Podman, named: each inner build loads its own image, in the format asked for; Docker: the index step loads them all.
        MSBuildResult local = await project.RunAsync(
            "-t:ComputeContainerConfig;_ContainerCachePlatformBuilds", "-p:LocalRegistry=Podman", "-p:ContainerImageFormat=Docker", "-getItem:_ContainerCachePlatformBuild");
        Dictionary<string, string> podman = Properties(local.Items("_ContainerCachePlatformBuild")[0].Metadata["AdditionalProperties"]);
        Assert.AreEqual("false", podman["_SkipContainerPublishing"]);
        Assert.AreEqual("Docker", podman["ContainerImageFormat"]);
        MSBuildResult docker = await project.RunAsync("-t:ComputeContainerConfig;_ContainerCachePlatformBuilds", "-p:LocalRegistry=Docker", "-getItem:_ContainerCachePlatformBuild");
        Assert.AreEqual("true", Properties(docker.Items("_ContainerCachePlatformBuild")[0].Metadata["AdditionalProperties"])["_SkipContainerPublishing"]);
    }

    [TestMethod]
    public async Task PlatformsAreLookedUp_ToARegistryAnArchiveOrANamedPodman_OnAnSdkThatHasWhatItNeeds_WithReuseOn()
    {
        TestProject project = CreateProject("Start");
        async Task<IReadOnlyDictionary<string, string>> StartAsync(params string[] arguments)
        {
            MSBuildResult result = await project.RunAsync(
                ["-t:ComputeContainerConfig;_ContainerCacheDetectImageBuild;_ContainerCacheStartPlatformImages", "-getProperty:_ContainerCacheReusesPlatformImages", "-getProperty:_ContainerCacheReusesPlatformArchive", "-getProperty:_ContainerCacheLoadsPlatformImages", .. arguments]);
            return result.Properties;
        }

        IReadOnlyDictionary<string, string> registry = await StartAsync("-p:ContainerRegistry=registry.example");
        Assert.AreEqual("true", registry["_ContainerCacheReusesPlatformImages"]);
        Assert.AreEqual("false", registry["_ContainerCacheReusesPlatformArchive"]);
        Assert.AreEqual("false", registry["_ContainerCacheLoadsPlatformImages"]);

        IReadOnlyDictionary<string, string> archive = await StartAsync("-p:ContainerArchiveOutputPath=image.tar", "-p:LocalRegistry=Podman");
        Assert.AreEqual("false", archive["_ContainerCacheReusesPlatformImages"]);
        Assert.AreEqual("true", archive["_ContainerCacheReusesPlatformArchive"]);
        Assert.AreEqual("false", archive["_ContainerCacheLoadsPlatformImages"]);

        // The local Podman, named: the SDK loads each platform image on its own, so each is looked up there, and no index is written.
        IReadOnlyDictionary<string, string> podman = await StartAsync("-p:LocalRegistry=Podman");
        Assert.AreEqual("true", podman["_ContainerCacheReusesPlatformImages"]);
        Assert.AreEqual("true", podman["_ContainerCacheLoadsPlatformImages"]);
        Assert.AreEqual("false", (await StartAsync("-p:LocalRegistry=Podman", "-p:ContainerCacheReuse=false"))["_ContainerCacheReusesPlatformImages"]);

        // Docker, or the engine the SDK detects: its index step loads one image index (Docker's containerd store only), which the package leaves to it.
        Assert.AreEqual("false", (await StartAsync())["_ContainerCacheReusesPlatformImages"]);
        Assert.AreEqual("false", (await StartAsync("-p:LocalRegistry=Docker"))["_ContainerCacheReusesPlatformImages"]);
        Assert.AreEqual("false", (await StartAsync("-p:ContainerRegistry=registry.example", "-p:ContainerCacheReuse=false"))["_ContainerCacheReusesPlatformImages"]);
        Assert.AreEqual("false", (await StartAsync("-p:ContainerRegistry=registry.example", "-p:ContainerCacheGenerateLabel=false"))["_ContainerCacheReusesPlatformImages"]);

        // An SDK whose multi-platform step no longer calls CreateImageIndex, or writes an index into Podman too: warned of, and nothing looked up.
        string changed = Path.Combine(project.Directory, "Microsoft.NET.Build.Containers.targets");
        MSBuildResult sdk = await project.RunAsync("-t:_ContainerCacheCheckSdk", "-getProperty:_ContainerCacheSdkContainersTargetsFile");
        string sdkTargets = File.ReadAllText(sdk.Properties["_ContainerCacheSdkContainersTargetsFile"]);
        StringAssert.Contains(sdkTargets, "$(LocalRegistry) == 'Podman'\">true</_SkipCreateImageIndex>");
        File.WriteAllText(changed, sdkTargets.Replace("<CreateImageIndex ", "<CreateAnIndex ", StringComparison.Ordinal).Replace("== 'Podman'\">true</_SkipCreateImageIndex>", "== 'Podman'\">false</_SkipCreateImageIndex>", StringComparison.Ordinal));
        foreach (string destination in new[] { "-p:ContainerRegistry=registry.example", "-p:LocalRegistry=Podman" })
        {
            MSBuildResult old = await project.RunAsync(
                "-t:ComputeContainerConfig;_ContainerCacheDetectImageBuild;_ContainerCacheStartPlatformImages", destination, "-p:_ContainerCacheSdkContainersTargetsFile=" + changed,
                "-getProperty:_ContainerCacheReusesPlatformImages");
            Assert.AreEqual("false", old.Properties["_ContainerCacheReusesPlatformImages"], destination);
            string warning = old.DiagnosticsWithCode("CONTAINERCACHE2005").Single();
            StringAssert.Contains(warning, "CreateImageIndex, _SkipCreateImageIndex for Podman");
        }
    }

    /// <summary>
    /// A platform image's result is written after its inner build put it somewhere: not for the local
    /// Docker, where the inner build puts it nowhere (_SkipContainerPublishing) and the SDK's index
    /// step loads one image index, or fails (CONTAINER1020 without Docker's containerd store).
    /// </summary>
    [TestMethod]
    public async Task PlatformResult_NotWhenTheInnerBuildPutTheImageNowhere()
    {
        TestProject project = CreateProject("Results");
        string results = Path.Combine(project.Directory, "results.jsonl");
        async Task<bool> WritesAsync(params string[] arguments)
        {
            File.Delete(results);
            await project.RunAsync(
                ["-t:_ContainerCacheWritePlatformResult", "-p:_IsSingleRIDBuild=true", "-p:_IsMultiRIDBuild=false", "-p:ContainerRuntimeIdentifier=linux-x64", "-p:ContainerCacheKey=0123456789abcdef0123456789abcdef",
                 "-p:GeneratedContainerDigest=sha256:" + new string('1', 64), "-p:ContainerCacheResultsFile=" + results, "-p:GITHUB_ACTIONS=", "-p:GITLAB_CI=", .. arguments]);
            return File.Exists(results);
        }

        Assert.IsFalse(await WritesAsync("-p:_SkipContainerPublishing=true"), "Into the local Docker the inner build loads nothing.");
        Assert.IsTrue(await WritesAsync("-p:_SkipContainerPublishing=false", "-p:LocalRegistry=Podman"), "Into the local Podman it loads its image.");
        Assert.IsTrue(await WritesAsync("-p:_SkipContainerPublishing=true", "-p:ContainerArchiveOutputPath=image.tar"), "Into an archive its image is written with the others.");
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
