using ContainerCache.TestRegistry;
using System.Text.Json;

namespace ContainerCache.EndToEndTests;

/// <summary>
/// Zero false misses: what does not change the image does not change the key, on real publishes;
/// cases that need no other app share one, in sequence.
/// </summary>
[TestClass]
public sealed class KeyStaysTests
{
    [TestMethod]
    public async Task Republished_EveryFileTouched_CleanRebuild_SameKey_NothingStale()
    {
        TestApp app = TestApp.Create("Clean");
        await app.PublishAsync();
        DateTime published = DateTime.UtcNow;
        string key = app.KeyFileKey();

        // Every file of a republish is the publish's own, even those it leaves untouched: old by
        // now, so that only the publish's items can claim them.
        await FileAge.WaitUntilOldAsync(published);
        CommandResult again = await app.PublishAsync();
        Assert.IsFalse(again.Output.Contains("CONTAINERCACHE2004"), "Nothing is stale in a republish:\n" + again.Output);
        Assert.AreEqual(key, app.KeyFileKey());

        DateTime later = DateTime.UtcNow.AddMinutes(5);
        foreach (string file in Directory.EnumerateFiles(app.Directory, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, later);
        }

        await app.PublishAsync();
        Assert.AreEqual(key, app.KeyFileKey(), "Every file touched.");

        app.DeleteBuildOutput();
        await app.PublishAsync();
        Assert.AreEqual(key, app.KeyFileKey(), "A clean rebuild.");
    }

    [TestMethod]
    public async Task OtherRegistryRepositoryAndTags_SameKey()
    {
        TestApp app = TestApp.Create("Names");
        await app.PublishContainerAsync();
        string key = app.KeyFileKey();

        await app.PublishAsync(
            "-t:PublishContainer",
            "-p:ContainerRegistry=" + EndToEnd.Registry.Host.Replace("localhost", "127.0.0.1", StringComparison.Ordinal),
            "-p:ContainerRepository=elsewhere/" + app.Repository,
            "-p:ContainerImageTags=\"1.0.0;stable\"");
        Assert.AreEqual(key, app.KeyFileKey());
        Assert.AreEqual(key, (await EndToEnd.Reader.GetLabelsAsync("elsewhere/" + app.Repository, "stable"))[EndToEnd.KeyLabel]);
    }

    [TestMethod]
    public async Task WebApiPublishedTwice_SameKey_WebConfigInTheKeyFromTheFirst_NothingStale_ContainerPublishToo()
    {
        // The SDK writes web.config after Publish (_DotNetCLIPostPublish): a key computed before it
        // left it out the first time and took it in the next ("files added (1): web.config").
        TestApp app = TestApp.Create("WebConfig", program: "var app = Microsoft.AspNetCore.Builder.WebApplication.Create(args);\napp.Run();\n");
        string project = Path.Combine(app.Directory, "WebConfig.csproj");
        File.WriteAllText(project, File.ReadAllText(project).Replace("Sdk=\"Microsoft.NET.Sdk\"", "Sdk=\"Microsoft.NET.Sdk.Web\"", StringComparison.Ordinal));
        app.WriteFile("wwwroot/site.css", "body { color: teal; }\n");
        await app.PublishAsync();
        DateTime published = DateTime.UtcNow;
        string key = app.KeyFileKey();
        CollectionAssert.Contains(KeyFilePaths(app), "web.config");

        // Old by the republish, so that only its items (and web.config, written after Publish) can claim them.
        await FileAge.WaitUntilOldAsync(published);
        CommandResult again = await app.PublishAsync();
        StringAssert.Contains(again.Output, "ContainerCache: key unchanged since the last publish.", again.Output);
        Assert.IsFalse(again.Output.Contains("CONTAINERCACHE2004"), "Nothing is stale in a republish:\n" + again.Output);
        Assert.AreEqual(key, app.KeyFileKey());

        // A container publish keys again just before the image is built: web.config is there too.
        await app.PublishContainerAsync();
        CollectionAssert.Contains(KeyFilePaths(app), "web.config");
        Assert.AreEqual(app.KeyFileKey(), (await EndToEnd.Reader.GetLabelsAsync(app.Repository, "latest"))[EndToEnd.KeyLabel]);
    }

    private static string[] KeyFilePaths(TestApp app)
    {
        using JsonDocument keyFile = JsonDocument.Parse(File.ReadAllText(Path.Combine(app.PublishDirectory(), "container-cache.json")));
        return [.. keyFile.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()!)];
    }
}
