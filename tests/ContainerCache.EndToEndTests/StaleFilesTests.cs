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
    [TestMethod]
    public async Task ConsoleAndWebAppsRepublished_NoWarning()
    {
        // Every file of a republish is the publish's own, even those it leaves untouched, and
        // web.config, which the SDK writes after Publish.
        TestApp console = TestApp.Create("StaleConsole");
        TestApp web = TestApp.Create("StaleWeb", program: "var app = Microsoft.AspNetCore.Builder.WebApplication.Create(args);\napp.Run();\n");
        string project = Path.Combine(web.Directory, "StaleWeb.csproj");
        File.WriteAllText(project, File.ReadAllText(project).Replace("Sdk=\"Microsoft.NET.Sdk\"", "Sdk=\"Microsoft.NET.Sdk.Web\"", StringComparison.Ordinal));
        web.WriteFile("wwwroot/site.css", "body { color: teal; }\n");
        // Both first, then both again: each app's files age while the other one publishes, so that
        // in the republish they are older than the build, and only its items can claim them.
        var published = new Dictionary<TestApp, DateTime>();
        foreach (TestApp app in new[] { console, web })
        {
            await app.PublishAsync();
            published[app] = DateTime.UtcNow;
        }

        foreach (TestApp app in new[] { console, web })
        {
            await FileAge.WaitUntilOldAsync(published[app]);
            CommandResult again = await app.PublishAsync();
            Assert.IsFalse(again.Output.Contains("CONTAINERCACHE2004"), "Nothing is stale in a republish:\n" + again.Output);
        }

        Assert.IsTrue(File.Exists(Path.Combine(web.PublishDirectory(), "web.config")));
    }

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
