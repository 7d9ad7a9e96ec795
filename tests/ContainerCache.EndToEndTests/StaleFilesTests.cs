using ContainerCache.TestRegistry;
using System.Text.RegularExpressions;

namespace ContainerCache.EndToEndTests;

/// <summary>
/// Files an earlier publish left in the publish directory: the SDK never deletes them, and layers
/// them. A Blazor WebAssembly app names its files by their content, so an edit leaves the edited
/// build's files behind (that case is in <see cref="BlazorTests"/>, to start first).
/// </summary>
[TestClass]
public sealed class StaleFilesTests
{
    // A republish of a console app and of a web app (web.config, static web assets) finds nothing
    // stale: in KeyStaysTests, on their republishes.

    [TestMethod]
    public async Task ContainerPublish_KeysTwice_WarnsOnce()
    {
        // Dropped in before the first publish, which counts it as its own (written within 2 s of its
        // start), and old by the time of the second.
        TestApp app = TestApp.Create("StaleContainer");
        app.WriteFile("bin/Release/net10.0/publish/dropped-in.txt", "left behind");
        DateTime dropped = DateTime.UtcNow;
        await app.PublishAsync();
        await FileAge.WaitUntilOldAsync(dropped);

        // No summary: each warning is printed once, where it is logged.
        CommandResult result = await app.PublishContainerAsync("-clp:NoSummary");
        Assert.AreEqual(1, Regex.Matches(result.Output, "warning CONTAINERCACHE2004").Count, result.Output);
        StringAssert.Contains(result.Output, "dropped-in.txt. It ships in the image");
    }

    /// <summary>Every file in the publish directory, '/'-separated, but the key file.</summary>
    internal static string[] Files(TestApp app) =>
        Directory.GetFiles(app.PublishDirectory(), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(app.PublishDirectory(), f).Replace('\\', '/'))
            .Where(f => f != "container-cache.json")
            .ToArray();
}
