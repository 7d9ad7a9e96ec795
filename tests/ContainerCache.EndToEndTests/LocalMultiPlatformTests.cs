using System.Text.Json;
using ContainerCache.TestRegistry;

namespace ContainerCache.EndToEndTests;

/// <summary>
/// A multi-platform publish (linux-x64 and linux-arm64) into the local Podman, named
/// (LocalRegistry=Podman): the SDK loads each platform image on its own, as REPOSITORY:TAG-RID, and
/// no index; each is reused by its own key. Into Docker the SDK loads one image index, which SDK
/// 10.0.401 refuses without Docker's containerd image store (CONTAINER1020): nothing to reuse there,
/// and the targets tests show the package leaves it to the SDK.
/// </summary>
[TestClass]
public sealed class LocalMultiPlatformTests
{
    private const string Rids = "linux-x64;linux-arm64";

    // What PublishContainer returned: the hit, and each platform image's manifest digest.
    private const string ShowOutputs = """
        <Target Name="ShowContainerOutputs" AfterTargets="PublishContainer">
          <Message Importance="high" Text="OUTPUT hit=$(ContainerCacheHit) index=$(GeneratedImageIndex) digests=@(GeneratedContainer->'%(ManifestDigest)')" />
        </Target>
        """;

    private static LocalEngine? s_podman;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) =>
        s_podman = await LocalStore.StartAsync(() => LocalEngine.StartPodmanAsync(Path.Combine(EndToEnd.WorkDirectory, "podman-multi")));

    [ClassCleanup]
    public static void Stop() => s_podman?.Dispose();

    [TestMethod]
    public async Task Podman_EachPlatformReusedByItsOwnKey_OnlyAForeignOnesPlatformIsBuilt()
    {
        LocalEngine podman = LocalStore.Require(s_podman);
        var environment = new Dictionary<string, string>(podman.Environment);
        TestApp app = TestApp.Create("LocalMulti", $"<RuntimeIdentifiers>{Rids}</RuntimeIdentifiers><ContainerRuntimeIdentifiers>{Rids}</ContainerRuntimeIdentifiers><LocalRegistry>Podman</LocalRegistry>");
        app.Customize(ShowOutputs);
        string repository = app.Repository;
        string Loaded(string tag) => $"Pushed image '{repository}:{tag}";

        // A miss: the SDK builds and loads each platform image, with its own key label and key tag; no index, as the SDK alone.
        CommandResult miss = await app.PublishWithEnvironmentAsync(environment, "-t:PublishContainer");
        string x64 = app.KeyFileKey("linux-x64");
        string arm64 = app.KeyFileKey("linux-arm64");
        Assert.AreNotEqual(x64, arm64);
        StringAssert.Contains(miss.Output, $"ContainerCache: miss: Podman has no image localhost/{repository}:{x64}");
        StringAssert.Contains(miss.Output, "ContainerCache: built and loaded every platform image (linux-x64, linux-arm64) into Podman.");
        StringAssert.Contains(miss.Output, Loaded("latest-linux-x64"));
        StringAssert.Contains(miss.Output, Loaded("latest-linux-arm64"));
        string missOutputs = Outputs(miss.Output);
        StringAssert.StartsWith(missOutputs, "hit=false index= digests=sha256:");
        string? x64Image = await podman.ImageIdAsync($"{repository}:{x64}");
        string? arm64Image = await podman.ImageIdAsync($"{repository}:{arm64}");
        Assert.IsNotNull(x64Image);
        Assert.IsNotNull(arm64Image);
        Assert.AreEqual(x64Image, await podman.ImageIdAsync($"{repository}:latest-linux-x64"));
        Assert.AreEqual(arm64Image, await podman.ImageIdAsync($"{repository}:latest-linux-arm64"));
        Assert.AreEqual(x64, await podman.LabelAsync($"{repository}:{x64}", EndToEnd.KeyLabel));
        Assert.AreEqual(arm64, await podman.LabelAsync($"{repository}:{arm64}", EndToEnd.KeyLabel));
        Assert.IsNull(await podman.ImageIdAsync($"{repository}:latest"), "The SDK loads no index into Podman.");

        // Unchanged, with one more tag: nothing built or loaded, each platform image tagged, the SDK's outputs as on the miss.
        string results = Path.Combine(app.Directory, "results.jsonl");
        CommandResult hit = await app.PublishWithEnvironmentAsync(environment, "-t:PublishContainer", "-p:ContainerImageTags=\"latest;v2\"", "-p:ContainerCacheResultsFile=" + results);
        StringAssert.Contains(hit.Output, "ContainerCache: hit: every platform image (linux-x64, linux-arm64) is reused from Podman; nothing built or loaded.");
        StringAssert.Contains(hit.Output, $"ContainerCache: hit: Podman has localhost/{repository}:{arm64} ({LocalStore.Sha(arm64Image!)}) with key {arm64}; nothing built or loaded; tagged latest-linux-arm64, v2-linux-arm64.");
        Assert.IsFalse(hit.Output.Contains("Pushed image '", StringComparison.Ordinal), "No image is loaded on a hit:\n" + hit.Output);
        Assert.AreEqual(missOutputs.Replace("hit=false", "hit=true", StringComparison.Ordinal), Outputs(hit.Output), "Each platform's digest as the SDK returned it when it loaded the image.");
        Assert.AreEqual(x64Image, await podman.ImageIdAsync($"{repository}:v2-linux-x64"));
        Assert.AreEqual(arm64Image, await podman.ImageIdAsync($"{repository}:v2-linux-arm64"));
        Assert.AreEqual(x64Image, await podman.ImageIdAsync($"{repository}:{x64}"));
        string[] lines = File.ReadAllLines(results);
        CollectionAssert.AreEquivalent(
            new[] { $"platform linux-x64 {x64} True local", $"platform linux-arm64 {arm64} True local" },
            lines.Select(l => JsonDocument.Parse(l).RootElement).Select(r => $"{r.GetProperty("kind").GetString()} {r.GetProperty("runtimeIdentifier").GetString()} {r.GetProperty("key").GetString()} {r.GetProperty("hit").GetBoolean()} {r.GetProperty("destination").GetString()}").ToArray(),
            "A line per platform image, none for an index that was not loaded:\n" + string.Join('\n', lines));

        // An image under linux-arm64's key tag without the key label is not taken: only that platform is built and loaded.
        string foreign = await LocalStore.ImportForeignImageAsync(podman, app, $"{repository}:{arm64}");
        CommandResult partial = await app.PublishWithEnvironmentAsync(environment, "-t:PublishContainer");
        StringAssert.Contains(partial.Output, $"ContainerCache: miss: Podman's image localhost/{repository}:{arm64} ({LocalStore.Sha(foreign)}) is not this publish's: its label {EndToEnd.KeyLabel} is (none), not {arm64}");
        StringAssert.Contains(partial.Output, "ContainerCache: built and loaded the platform images linux-arm64, reused linux-x64 from Podman.");
        StringAssert.Contains(partial.Output, Loaded("latest-linux-arm64"));
        Assert.IsFalse(partial.Output.Contains(Loaded("latest-linux-x64"), StringComparison.Ordinal), partial.Output);
        StringAssert.Contains(partial.Output, "OUTPUT hit=false");
        Assert.AreEqual(x64Image, await podman.ImageIdAsync($"{repository}:latest-linux-x64"));
        Assert.AreNotEqual(foreign, await podman.ImageIdAsync($"{repository}:{arm64}"));
        Assert.AreEqual(arm64, await podman.LabelAsync($"{repository}:{arm64}", EndToEnd.KeyLabel));
        Assert.AreEqual(await podman.ImageIdAsync($"{repository}:{arm64}"), await podman.ImageIdAsync($"{repository}:latest-linux-arm64"));
    }

    /// <summary>What PublishContainer returned, from "hit=" on.</summary>
    private static string Outputs(string output)
    {
        string line = output.Split('\n').Single(l => l.Contains("OUTPUT hit=", StringComparison.Ordinal));
        return line[line.IndexOf("hit=", StringComparison.Ordinal)..].Trim();
    }
}
