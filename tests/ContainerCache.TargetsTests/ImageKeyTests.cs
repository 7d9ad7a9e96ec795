using System.Text.RegularExpressions;
using ContainerCache.TestRegistry;

namespace ContainerCache.TargetsTests;

/// <summary>
/// One key computation a build. A container publish (dotnet publish -t:PublishContainer) runs
/// ContainerCacheComputeKey after Publish, by the base image's name, then the image step before the
/// SDK builds the image: the same targets here, in that order, over a publish directory of one
/// file. The image's key is derived from the publish's (the base image's digest added), not keyed
/// again from a second list of inputs.
/// </summary>
[TestClass]
public sealed class ImageKeyTests
{
    private static LocalRegistry _registry = null!;
    private static string _digest = "";

    [ClassInitialize]
    public static async Task InitializeAsync(TestContext context)
    {
        _registry = await LocalRegistry.StartAsync(Path.Combine(Targets.WorkDirectory, "image-key-registry"));
        _digest = await BaseImage.PushAsync(_registry.Host, "base", "1", [("linux", "amd64")]);
    }

    [ClassCleanup]
    public static void Cleanup() => _registry?.Dispose();

    [TestMethod]
    public async Task ContainerPublish_ReadsTheInputsOnce_TheImagesKeyAddsTheBaseDigest_AsIfKeyedByItFromTheStart()
    {
        TestProject project = Project("ImageKey", $"{_registry.Host}/base:1");
        TestProject alone = project.CopyTo("ImageKeyAlone");
        Directory.CreateDirectory(Path.Combine(alone.Directory, "obj", "Release", "net10.0"));
        MSBuildResult result = await RunAsync(project, "-t:ContainerCacheComputeKey;" + Targets.PrepareImageTarget);

        Assert.AreEqual(0, result.ExitCode, result.Log);
        string key = result.Properties["ContainerCacheKey"];
        Assert.AreEqual(_digest, result.Properties["ContainerCacheBaseImageDigest"], result.Log);
        Assert.AreEqual(1, Count(result.Log, "ContainerCache: [input] PublishDir="), "The inputs are read and logged once:\n" + result.Log);
        Assert.AreEqual(1, Count(result.Log, "Task \"ComputeContainerCacheKey\""), "One key task.");
        Assert.AreEqual(1, Count(result.Log, "Task \"ComputeContainerImageKey\""), "One image step.");
        string[] keyLines = KeyLines(result.Log);
        Assert.AreEqual(2, keyLines.Length, result.Log);
        StringAssert.Contains(keyLines[1], $"key {key} (1 files, ");
        StringAssert.Contains(keyLines[1], $", base image {_registry.Host}/base:1 at {_digest[..19]}");
        // The image's key reads a file again only if it was written within 2 s before it was hashed
        // (here the one file, written by the test, is or is not by then); the rule is HashCacheTests'.
        StringAssert.Matches(keyLines[1], new Regex(@" [01] read, "));
        StringAssert.Matches(result.Log, new Regex(@"ContainerCache: the image's key: the key after Publish with the base image's digest; [01] of its files read again"));
        string keyFile = File.ReadAllText(Path.Combine(project.Directory, "pub", "container-cache.json"));
        StringAssert.Contains(keyFile, key);
        StringAssert.Contains(keyFile, _digest);
        Assert.AreEqual(1, result.Log.Split('\n').Count(l => l.Contains("ContainerCache: [output] ContainerCacheKey=" + key, StringComparison.Ordinal)));

        // dotnet build -t:PublishContainer (no Publish): the image is keyed once, by the digest from the start; the same key.
        MSBuildResult direct = await RunAsync(alone, "-t:" + Targets.PrepareImageTarget);
        Assert.AreEqual(key, direct.Properties["ContainerCacheKey"], direct.Log);
        Assert.AreEqual(1, Count(direct.Log, "Task \"ComputeContainerCacheKey\""));
        Assert.AreEqual(0, Count(direct.Log, "Task \"ComputeContainerImageKey\""), "Skipped: nothing to add.");
        Assert.AreEqual(1, KeyLines(direct.Log).Length, direct.Log);
    }

    [TestMethod]
    public async Task BaseImageUnresolved_TheImagesKeyIsThePublishs_SaidOnce()
    {
        TestProject project = Project("ImageKeyUnresolved", "localhost:1/base:1");
        MSBuildResult result = await RunAsync(project, "-t:ContainerCacheComputeKey;" + Targets.PrepareImageTarget, "-p:ContainerCacheRegistryTimeout=2");

        Assert.AreEqual(0, result.ExitCode, result.Log);
        Assert.AreEqual(1, result.DiagnosticsWithCode("CONTAINERCACHE2002").Count(), result.Log);
        Assert.AreEqual("", result.Properties["ContainerCacheBaseImageDigest"]);
        Assert.AreEqual(1, KeyLines(result.Log).Length, "The key is said once:\n" + result.Log);
        Assert.IsFalse(result.Log.Contains("no key of this build", StringComparison.Ordinal), result.Log);
        StringAssert.Contains(File.ReadAllText(Path.Combine(project.Directory, "pub", "container-cache.json")), result.Properties["ContainerCacheKey"]);
    }

    private static TestProject Project(string name, string baseImage)
    {
        TestProject project = TestProject.Create(name, $"<ContainerBaseImage>{baseImage}</ContainerBaseImage><ContainerRuntimeIdentifier>linux-x64</ContainerRuntimeIdentifier>");
        project.WriteFile("pub/app.txt", "the app");
        Directory.CreateDirectory(Path.Combine(project.Directory, "obj", "Release", "net10.0"));
        return project;
    }

    private static Task<MSBuildResult> RunAsync(TestProject project, params string[] arguments) =>
        project.RunAsync(
            [.. arguments, "-p:PublishDir=pub/", "-p:ContainerCacheReuse=false", "-v:detailed",
             "-getProperty:ContainerCacheKey", "-getProperty:ContainerCacheBaseImageDigest"]);

    private static string[] KeyLines(string log) =>
        log.Split('\n').Where(l => Regex.IsMatch(l, @"ContainerCache: key [0-9a-f]{32} \(")).ToArray();

    private static int Count(string log, string text) => Regex.Matches(log, Regex.Escape(text)).Count;
}
