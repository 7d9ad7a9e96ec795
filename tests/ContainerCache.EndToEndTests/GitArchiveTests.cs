using ContainerCache.TestRegistry;

namespace ContainerCache.EndToEndTests;

/// <summary>
/// The key never comes from git: a git work tree, a clone with a remote, and the same commit
/// without .git (a tarball, a container build context) publish the same bytes.
/// </summary>
[TestClass]
public sealed class GitArchiveTests
{
    [TestMethod]
    public async Task WebApiFromGitWorkTreesAndFromGitArchivesOfTheSameCommit_SameKey()
    {
        // The SDK embeds the files it generates in obj/ (assembly info, global usings) in the PDB
        // only where it finds a git repository: the clone's PDB, and so its DLL, would differ.
        string root = Path.Combine(EndToEnd.WorkDirectory, "git-" + Guid.NewGuid().ToString("N")[..8]);
        TestApp app = CreateWebApi("Api", Path.Combine(root, "origin"));
        await Git.InitAndCommitAsync(app.Directory);

        TestApp clone = app.At(Path.Combine(root, "clone", "Api"));
        await Git.CloneAsync(app.Directory, clone.Directory);
        await Git.RunAsync(clone.Directory, "remote", "set-url", "origin", "https://github.com/example/api.git");
        await clone.PublishAsync();
        string key = clone.KeyFileKey();

        TestApp archive = app.At(Path.Combine(root, "trees", "Api"));
        await Git.ArchiveAsync(app.Directory, archive.Directory);
        Assert.IsFalse(Directory.Exists(Path.Combine(archive.Directory, ".git")));
        await archive.PublishAsync();
        Assert.AreEqual(key, archive.KeyFileKey(), "The same commit without .git, at the same depth, gives the clone's key.");

        TestApp deeper = app.At(Path.Combine(root, "elsewhere", "deeper", "Api"));
        await Git.ArchiveAsync(app.Directory, deeper.Directory);
        await deeper.PublishAsync();
        Assert.AreEqual(key, deeper.KeyFileKey(), "At another depth too.");

        await app.PublishAsync();
        Assert.AreEqual(key, app.KeyFileKey(), "And the work tree it was committed in, which has no remote.");
    }

    [TestMethod]
    public async Task EmbedUntrackedSources_OffByDefault_TheSdksDefaultWhenStableAcrossCommitsIsFalseInTheProject_TheProjectsOwnValueKept()
    {
        Assert.AreEqual("false", await EvaluateAsync(TestApp.Create("Untracked"), "EmbedUntrackedSources"));
        Assert.AreEqual(
            "true",
            await EvaluateAsync(TestApp.Create("UntrackedOptOut", "<ContainerCacheStableAcrossCommits>false</ContainerCacheStableAcrossCommits>"), "EmbedUntrackedSources"),
            "Turned off in the project body, after ContainerCache.props ran: the targets undo the default, and the SDK sets its own.");
        Assert.AreEqual("true", await EvaluateAsync(TestApp.Create("UntrackedOwn", "<EmbedUntrackedSources>true</EmbedUntrackedSources>"), "EmbedUntrackedSources"));
    }

    private static TestApp CreateWebApi(string name, string parentDirectory)
    {
        TestApp app = TestApp.Create(
            name,
            "<ImplicitUsings>enable</ImplicitUsings>",
            program: "var app = WebApplication.Create(args);\napp.MapGet(\"/\", () => \"Hello\");\napp.Run();\n",
            parentDirectory: parentDirectory);
        string project = Path.Combine(app.Directory, name + ".csproj");
        File.WriteAllText(project, File.ReadAllText(project).Replace("Sdk=\"Microsoft.NET.Sdk\"", "Sdk=\"Microsoft.NET.Sdk.Web\"", StringComparison.Ordinal));
        return app;
    }

    /// <summary>A property's value once the project, with the package's props and targets, is evaluated.</summary>
    private static async Task<string> EvaluateAsync(TestApp app, string property)
    {
        // Restored in a command of its own: with -getProperty, msbuild -restore does not restore.
        CommandResult restore = await Dotnet.RunAsync(app.Directory, ["restore", "-nodeReuse:false"]);
        Assert.AreEqual(0, restore.ExitCode, restore.Output);
        CommandResult result = await Dotnet.RunAsync(app.Directory, ["msbuild", "-nodeReuse:false", "-getProperty:" + property]);
        Assert.AreEqual(0, result.ExitCode, result.Output);
        return result.StandardOutput.Trim();
    }
}
