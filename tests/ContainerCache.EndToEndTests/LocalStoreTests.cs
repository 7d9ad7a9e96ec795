using System.Diagnostics;
using System.Formats.Tar;
using ContainerCache.TestRegistry;

namespace ContainerCache.EndToEndTests;

/// <summary>
/// No ContainerRegistry: the SDK loads the image into the local Docker (a dockerd of the class's own),
/// and an unchanged republish reuses it.
/// </summary>
[TestClass]
public sealed class LocalDockerTests
{
    private static LocalEngine? s_docker;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) =>
        s_docker = await LocalStore.StartAsync(() => LocalEngine.StartDockerAsync(Path.Combine(EndToEnd.WorkDirectory, "docker")));

    [ClassCleanup]
    public static void Stop() => s_docker?.Dispose();

    /// <summary>The SDK's own choice: docker answers, so it is Docker (podman, installed too, is not taken).</summary>
    [TestMethod]
    public Task Miss_Hit_ForeignImage_DaemonDown() =>
        LocalStore.RunAsync(LocalStore.Require(s_docker), new Dictionary<string, string>(LocalStore.Require(s_docker).Environment));
}

/// <summary>The same with Podman, found as the SDK finds it when docker does not answer.</summary>
[TestClass]
public sealed class LocalPodmanTests
{
    private static LocalEngine? s_podman;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) =>
        s_podman = await LocalStore.StartAsync(() => LocalEngine.StartPodmanAsync(Path.Combine(EndToEnd.WorkDirectory, "podman")));

    [ClassCleanup]
    public static void Stop() => s_podman?.Dispose();

    [TestMethod]
    public Task Miss_Hit_ForeignImage_Failing() =>
        LocalStore.RunAsync(
            LocalStore.Require(s_podman),
            new Dictionary<string, string>(LocalStore.Require(s_podman).Environment)
            {
                // A docker CLI on PATH with no daemon behind it: the SDK, and so the package, take podman.
                ["DOCKER_HOST"] = "unix://" + Path.Combine(EndToEnd.WorkDirectory, "no-docker.sock"),
            });
}

internal static class LocalStore
{
    // Prints what PublishContainer returned, to check the SDK's outputs on a hit as on a miss.
    private const string ShowOutputs = """
        <Target Name="ShowContainerOutputs" AfterTargets="PublishContainer">
          <Message Importance="high" Text="OUTPUT hit=$(ContainerCacheHit) names=@(GeneratedContainerName) configHasKey=$(GeneratedContainerConfiguration.Contains('$(ContainerCacheKey)')) config=$([MSBuild]::StableStringHash('$(GeneratedContainerConfiguration)')) digest=$(GeneratedContainerDigest) mediaType=$(GeneratedContainerMediaType)" />
        </Target>
        """;

    private static string? s_unavailable;

    /// <summary>Starts an engine for a class; a machine where it cannot run at all makes its tests inconclusive, saying why.</summary>
    public static async Task<LocalEngine?> StartAsync(Func<Task<LocalEngine>> start)
    {
        try
        {
            return await start();
        }
        catch (InvalidOperationException e)
        {
            s_unavailable = e.Message + " (install it with tests/prerequisites.sh)";
            return null;
        }
    }

    public static LocalEngine Require(LocalEngine? engine)
    {
        if (engine is null)
        {
            Assert.Inconclusive("The local engine cannot run here: " + s_unavailable);
        }

        return engine!;
    }

    /// <summary>
    /// A miss, then an unchanged hit with a new tag, then a foreign image under the key tag (no key
    /// label), then an engine that cannot be asked: each publish checked from several sides.
    /// </summary>
    public static async Task RunAsync(LocalEngine engine, Dictionary<string, string> environment)
    {
        string sdkLoaded = $"to local registry via '{engine.Command}'";
        TestApp app = TestApp.Create("Local" + engine.Kind);
        app.Customize(ShowOutputs);

        // A miss: the SDK builds and loads the image, with the key label and tag; its results line
        // (docs/ci/results.md) names the image by its ID in the store.
        string results = Path.Combine(app.Directory, "results.jsonl");
        CommandResult miss = await app.PublishWithEnvironmentAsync(environment, "-t:PublishContainer", "-p:ContainerCacheResultsFile=" + results);
        string key = app.KeyFileKey();
        string keyName = app.Repository + ":" + key;
        StringAssert.Contains(miss.Output, $"ContainerCache: miss: {engine.Kind} has no image {engine.StoredName(keyName)}");
        StringAssert.Contains(miss.Output, sdkLoaded);
        StringAssert.Contains(miss.Output, "OUTPUT hit=false");
        string missOutputs = Outputs(miss.Output);
        string? built = await engine.ImageIdAsync(keyName);
        Assert.IsNotNull(built, "The key tag is on the image the SDK loaded.");
        Assert.AreEqual(built, await engine.ImageIdAsync(app.Repository + ":latest"));
        Assert.AreEqual(key, await engine.LabelAsync(keyName, EndToEnd.KeyLabel));
        using (System.Text.Json.JsonDocument line = System.Text.Json.JsonDocument.Parse(File.ReadAllText(results)))
        {
            Assert.AreEqual("local", line.RootElement.GetProperty("destination").GetString());
            Assert.AreEqual(built!.StartsWith("sha256:", StringComparison.Ordinal) ? built : "sha256:" + built, line.RootElement.GetProperty("image").GetString(), "The ID the store gives the image.");
        }

        // An unchanged republish with one more tag: nothing built or loaded, the same image, tagged.
        CommandResult hit = await app.PublishWithEnvironmentAsync(environment, "-t:PublishContainer", "-p:ContainerImageTags=\"latest;v2\"");
        StringAssert.Contains(hit.Output, $"ContainerCache: hit: {engine.Kind} has {engine.StoredName(keyName)} ({Sha(built!)}) with key {key}; nothing built or loaded; tagged latest, v2.");
        Assert.IsFalse(hit.Output.Contains(sdkLoaded, StringComparison.Ordinal), "No image is loaded on a hit:\n" + hit.Output);
        StringAssert.Contains(hit.Output, $"OUTPUT hit=true names={app.Repository}:{key};{app.Repository}:latest;{app.Repository}:v2 configHasKey=True");
        StringAssert.Contains(missOutputs, " digest=sha256:");
        Assert.AreEqual(missOutputs, Outputs(hit.Output), "A hit returns what the SDK returned when it loaded the image: its config, manifest digest and media type.");
        Assert.AreEqual(key, app.KeyFileKey());
        Assert.AreEqual(built, await engine.ImageIdAsync(keyName));
        Assert.AreEqual(built, await engine.ImageIdAsync(app.Repository + ":v2"));
        Assert.AreEqual(built, await engine.ImageIdAsync(app.Repository + ":latest"));

        // Without what the SDK returned for it (obj/ deleted, another checkout): still a hit, checked against the config as the engine shows it.
        File.Delete(Path.Combine(app.Directory, "obj", "Release", "net10.0", "container-cache.loaded-image.json"));
        CommandResult engineView = await app.PublishWithEnvironmentAsync(environment, "-t:PublishContainer");
        StringAssert.Contains(engineView.Output, $"ContainerCache: hit: {engine.Kind} has {engine.StoredName(keyName)} ({Sha(built!)}) with key {key}; nothing built or loaded; tagged latest.");
        StringAssert.Contains(engineView.Output, $"OUTPUT hit=true names={app.Repository}:{key};{app.Repository}:latest configHasKey=True");
        StringAssert.Contains(engineView.Output, " digest= mediaType=", "The engine keeps no manifest of a loaded image.");

        // An image under the key tag without the key label is not taken: the SDK builds, and its image takes the tag.
        string foreign = await ImportForeignImageAsync(engine, app, keyName);
        CommandResult replaced = await app.PublishWithEnvironmentAsync(environment, "-t:PublishContainer");
        StringAssert.Contains(replaced.Output, $"ContainerCache: miss: {engine.Kind}'s image {engine.StoredName(keyName)} ({Sha(foreign)}) is not this publish's: its label {EndToEnd.KeyLabel} is (none), not {key}");
        StringAssert.Contains(replaced.Output, sdkLoaded);
        StringAssert.Contains(replaced.Output, "OUTPUT hit=false");
        Assert.AreNotEqual(foreign, await engine.ImageIdAsync(keyName));
        Assert.AreEqual(key, await engine.LabelAsync(keyName, EndToEnd.KeyLabel));

        // An engine that cannot be asked: a coded warning at once, then the SDK's normal build (which fails to load, and says so).
        var down = new Dictionary<string, string>(environment);
        if (engine.Kind == "Docker")
        {
            down["DOCKER_HOST"] = "unix://" + Path.Combine(EndToEnd.WorkDirectory, "no-docker.sock");
        }
        else
        {
            down["CONTAINERS_STORAGE_CONF"] = Path.Combine(app.Directory, "broken-storage.conf");
            File.WriteAllText(down["CONTAINERS_STORAGE_CONF"], "[storage]\ndriver = \"no-such-driver\"\n");
        }

        var timer = Stopwatch.StartNew();
        CommandResult failed = await app.TryPublishWithEnvironmentAsync(down, "-t:PublishContainer", "-p:LocalRegistry=" + engine.Kind);
        StringAssert.Contains(failed.Output, $"warning CONTAINERCACHE2006: The local image store ({engine.Kind}) could not be asked for the image of key {key}, so the image is built as usual");
        Assert.AreNotEqual(0, failed.ExitCode, "The SDK cannot load into an engine that is down either:\n" + failed.Output);
        Assert.IsFalse(failed.Output.Contains("ContainerCache: hit", StringComparison.Ordinal));
        Assert.IsTrue(timer.Elapsed < TimeSpan.FromSeconds(90), $"A down engine took {timer.Elapsed}.");
    }

    /// <summary>The config's hash, the manifest digest and media type that PublishContainer returned.</summary>
    private static string Outputs(string output)
    {
        string line = output.Split('\n').Single(l => l.Contains("OUTPUT hit=", StringComparison.Ordinal));
        return line[line.IndexOf(" config=", StringComparison.Ordinal)..].Trim();
    }

    internal static string Sha(string id) => id.StartsWith("sha256:", StringComparison.Ordinal) ? id : "sha256:" + id;

    /// <summary>An image made by something else (one file, no labels), put under the key tag.</summary>
    internal static async Task<string> ImportForeignImageAsync(LocalEngine engine, TestApp app, string keyName)
    {
        string tar = Path.Combine(app.Directory, "foreign.tar");
        using (FileStream stream = File.Create(tar))
        using (var writer = new TarWriter(stream))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "app/foreign.txt") { DataStream = new MemoryStream("foreign"u8.ToArray()) };
            writer.WriteEntry(entry);
        }

        CommandResult imported = await engine.RunAsync("import", tar, keyName);
        Assert.AreEqual(0, imported.ExitCode, "import failed: " + imported.Output);
        return (await engine.ImageIdAsync(keyName))!;
    }
}
