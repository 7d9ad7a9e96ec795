using ContainerCache.TestRegistry;

namespace ContainerCache.EndToEndTests;

/// <summary>
/// Zero false misses where the SDK itself would make bytes differ: the build's folder, git commits
/// that change no shipped input, build-time timestamps in ASP.NET Core's static web assets. (Razor's
/// case, a Blazor Web App with MVC views, is in <see cref="BlazorTests"/>, to start first.)
/// </summary>
[TestClass]
public sealed class DeterministicBuildTests
{
    private const string RevisionLabel = "org.opencontainers.image.revision";

    /// <summary>
    /// Two publishes of the same sources side by side: copied before either is published, the
    /// copy holds only the sources, as it did when copied after the first publish (without its
    /// bin/ and obj/); side by side, the longest tests here take half the time.
    /// </summary>
    internal static Task BothAsync(Task<CommandResult> first, Task<CommandResult> second) => Task.WhenAll(first, second);

    /// <summary>
    /// Another folder, deeper, that sorts after the run's NuGet package folder where the apps' own
    /// folder sorts before it: the SDK orders a route's static web assets by their absolute paths, so
    /// a package's asset (blazor.web.js) and its compressed copies in obj/ list in another order on
    /// either side of it (found on eShopOnWeb and TodoApi; "elsewhere-" sorted before it and hid it).
    /// </summary>
    internal static string Elsewhere(string name) =>
        Path.Combine(EndToEnd.WorkDirectory, "relocated-" + Guid.NewGuid().ToString("N")[..8], "deeper", "still", name);

    [TestMethod]
    public async Task SameSourcesInAnotherDirectoryAtAnotherDepth_AndUnderAnotherUsersHome_SameKey()
    {
        TestApp app = TestApp.Create("Moved");
        TestApp moved = app.CopyTo(Elsewhere("Moved"));

        // Another user differs to a build by its home folder and the paths below it.
        string home = Path.Combine(EndToEnd.WorkDirectory, "home-" + Guid.NewGuid().ToString("N")[..8], "alice");
        Directory.CreateDirectory(home);
        TestApp theirs = app.CopyTo(Path.Combine(home, "src", "Moved"));
        await Task.WhenAll(
            app.PublishAsync(),
            moved.PublishAsync(),
            theirs.PublishWithEnvironmentAsync(new Dictionary<string, string> { ["HOME"] = home, ["DOTNET_CLI_HOME"] = home }));
        Assert.AreEqual(app.KeyFileKey(), moved.KeyFileKey(), "In another folder, at another depth.");
        Assert.AreEqual(app.KeyFileKey(), theirs.KeyFileKey(), "Under another user's home.");
    }

    [TestMethod]
    public async Task CommitThatChangesNoShippedInput_SameKey_RevisionLabelShowsTheCommit()
    {
        TestApp app = TestApp.Create("Commits");
        await Git.InitAndCommitAsync(app.Directory);
        await Git.RunAsync(app.Directory, "remote", "add", "origin", "https://github.com/example/commits.git");
        await app.PublishContainerAsync();
        string key = app.KeyFileKey();
        string first = await Git.HeadAsync(app.Directory);
        Assert.AreEqual(first, (await EndToEnd.Reader.GetLabelsAsync(app.Repository, "latest"))[RevisionLabel]);

        app.WriteFile("README.md", "# Commits\n");
        await Git.RunAsync(app.Directory, "add", "README.md");
        await Git.RunAsync(app.Directory, "commit", "-q", "-m", "Add a README");
        CommandResult reused = await app.PublishContainerAsync();
        Assert.AreEqual(key, app.KeyFileKey(), "A commit that changes no shipped input keeps the key.");
        StringAssert.Contains(reused.Output, "ContainerCache: hit:", "So the image is reused...");
        Assert.AreEqual(first, (await EndToEnd.Reader.GetLabelsAsync(app.Repository, "latest"))[RevisionLabel], "...and names the commit that built it.");

        await app.PublishContainerAsync("-p:ContainerCacheReuse=false");
        string second = await Git.HeadAsync(app.Directory);
        Assert.AreNotEqual(first, second);
        Assert.AreEqual(key, app.KeyFileKey());
        Assert.AreEqual(second, (await EndToEnd.Reader.GetLabelsAsync(app.Repository, "latest"))[RevisionLabel], "A rebuild names the new commit.");
    }

    [TestMethod]
    public async Task WebAppWithStaticAssets_TwoCleanPublishes_SameKey_AssetEdit_NewKey()
    {
        TestApp app = TestApp.Create(
            "Web",
            program: "var app = Microsoft.AspNetCore.Builder.WebApplication.Create(args);\nMicrosoft.AspNetCore.Builder.StaticAssetsEndpointRouteBuilderExtensions.MapStaticAssets(app);\napp.Run();\n");
        string project = Path.Combine(app.Directory, "Web.csproj");
        File.WriteAllText(project, File.ReadAllText(project).Replace("Sdk=\"Microsoft.NET.Sdk\"", "Sdk=\"Microsoft.NET.Sdk.Web\"", StringComparison.Ordinal));
        app.WriteFile("wwwroot/css/site.css", "body { color: teal; }\n");
        app.WriteFile("wwwroot/js/site.js", "console.log('hello');\n");
        await app.PublishAsync();
        string key = app.KeyFileKey();
        string manifest = Path.Combine(app.PublishDirectory(), "Web.staticwebassets.endpoints.json");
        StringAssert.Contains(File.ReadAllText(manifest), "Last-Modified");

        // A clean publish later, with every source touched as after a fresh clone: set to another
        // time, an hour back, rather than waiting for the clock to move on.
        string before = File.ReadAllText(manifest);
        app.DeleteBuildOutput();
        DateTime touched = DateTime.UtcNow.AddHours(-1);
        foreach (string file in Directory.EnumerateFiles(app.Directory, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, touched);
        }

        await app.PublishAsync();
        Assert.AreNotEqual(before, File.ReadAllText(manifest), "The SDK wrote other Last-Modified times...");
        Assert.AreEqual(key, app.KeyFileKey(), "...which the key's documented normalisation leaves out.");

        app.WriteFile("wwwroot/css/site.css", "body { color: navy; }\n");
        await app.PublishAsync();
        Assert.AreNotEqual(key, app.KeyFileKey(), "A static asset's bytes still count.");
    }

    [TestMethod]
    public async Task SelfContained_CleanRebuildAndAnotherDirectory_SameKey()
    {
        TestApp app = TestApp.Create("SelfContained", "<RuntimeIdentifier>linux-x64</RuntimeIdentifier><SelfContained>true</SelfContained>");
        TestApp moved = app.CopyTo(Elsewhere("SelfContained"));
        await BothAsync(app.PublishAsync(), moved.PublishAsync());
        string key = app.KeyFileKey("linux-x64");
        Assert.AreEqual(key, moved.KeyFileKey("linux-x64"));

        app.DeleteBuildOutput();
        await app.PublishAsync();
        Assert.AreEqual(key, app.KeyFileKey("linux-x64"));
    }

    [TestMethod]
    public async Task TrimmedSingleFile_AnotherDirectory_SameKey()
    {
        // The trimmer rewrites the DLL with its own PDB path; DeterministicSourcePaths makes it keep the mapped one.
        TestApp app = TestApp.Create(
            "Trimmed",
            "<RuntimeIdentifier>linux-x64</RuntimeIdentifier><SelfContained>true</SelfContained><PublishSingleFile>true</PublishSingleFile><PublishTrimmed>true</PublishTrimmed>");
        TestApp moved = app.CopyTo(Elsewhere("Trimmed"));
        await BothAsync(app.PublishAsync(), moved.PublishAsync());
        Assert.AreEqual(app.KeyFileKey("linux-x64"), moved.KeyFileKey("linux-x64"));
    }
}
