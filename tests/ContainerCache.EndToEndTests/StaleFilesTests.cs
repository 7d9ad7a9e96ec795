using ContainerCache.TestRegistry;
using System.Text.RegularExpressions;

namespace ContainerCache.EndToEndTests;

/// <summary>
/// Files an earlier publish left in the publish directory: the SDK never deletes them, and layers
/// them. A Blazor WebAssembly app names its files by their content, so an edit leaves the edited
/// build's files behind.
/// </summary>
[TestClass]
public sealed class StaleFilesTests
{
    [TestMethod]
    public async Task WebAssemblyComponentEditedAndReverted_WarnsOfTheEditedBuildsFiles_PruningGivesTheCleanKey()
    {
        TestApp app = TestApp.CreateBlazorWebAssembly("StaleWasm");

        CommandResult clean = await app.PublishAsync();
        Assert.IsFalse(clean.Output.Contains("CONTAINERCACHE2004"), "A clean publish has no stale files:\n" + clean.Output);
        string cleanKey = app.KeyFileKey();
        string[] cleanFiles = Files(app);

        app.WriteFile("App.razor", "<h1>Hello, edited</h1>\n");
        CommandResult edited = await app.PublishAsync();
        StringAssert.Contains(edited.Output, "warning CONTAINERCACHE2004", "The clean publish's app files are left behind:\n" + edited.Output);
        string[] editedOnly = Files(app).Except(cleanFiles).ToArray();
        Assert.IsTrue(editedOnly.Any(f => Regex.IsMatch(f, @"^wwwroot/_framework/StaleWasm\.[a-z0-9]+\.wasm$")), "The edit changed the app's fingerprinted name: " + string.Join(", ", editedOnly));
        Assert.IsTrue(editedOnly.Any(f => f.EndsWith(".wasm.br", StringComparison.Ordinal)) && editedOnly.Any(f => f.EndsWith(".wasm.gz", StringComparison.Ordinal)), string.Join(", ", editedOnly));

        app.WriteFile("App.razor", "<h1>Hello</h1>\n");
        CommandResult reverted = await app.PublishAsync();
        string warning = reverted.Output.Split('\n').FirstOrDefault(l => l.Contains("warning CONTAINERCACHE2004")) ?? "";
        StringAssert.Contains(warning, $"warning CONTAINERCACHE2004: {editedOnly.Length} files in the publish directory were not produced by this publish", reverted.Output);
        StringAssert.Contains(warning, "They ship in the image; set ContainerCachePruneStaleFiles=true to delete them before the key is computed, or publish into a clean directory.");
        Assert.AreEqual(Math.Min(5, editedOnly.Length), editedOnly.Count(f => warning.Contains(f, StringComparison.Ordinal)), "The first five are named: " + warning);
        Assert.AreNotEqual(cleanKey, app.KeyFileKey(), "The dead files ship, and the key says so.");
        Assert.IsTrue(editedOnly.All(f => File.Exists(Path.Combine(app.PublishDirectory(), f))), "Nothing is deleted unless asked.");

        CommandResult pruned = await app.PublishAsync("-p:ContainerCachePruneStaleFiles=true", "-v:n");
        Assert.IsFalse(pruned.Output.Contains("CONTAINERCACHE2004"), pruned.Output);
        StringAssert.Contains(pruned.Output, $"ContainerCache: deleted {editedOnly.Length} files an earlier publish left: ", pruned.Output);
        Assert.AreEqual(cleanKey, app.KeyFileKey(), "With the edited build's files deleted, the key is the clean publish's.");
        CollectionAssert.AreEquivalent(cleanFiles, Files(app));
    }

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
    private static string[] Files(TestApp app) =>
        Directory.GetFiles(app.PublishDirectory(), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(app.PublishDirectory(), f).Replace('\\', '/'))
            .Where(f => f != "container-cache.json")
            .ToArray();
}
