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
        TestApp archive = app.At(Path.Combine(root, "trees", "Api"));
        await Git.ArchiveAsync(app.Directory, archive.Directory);
        Assert.IsFalse(Directory.Exists(Path.Combine(archive.Directory, ".git")));
        TestApp deeper = app.At(Path.Combine(root, "elsewhere", "deeper", "Api"));
        await Git.ArchiveAsync(app.Directory, deeper.Directory);

        // Four folders of their own: published side by side.
        await Task.WhenAll(clone.PublishAsync(), archive.PublishAsync(), deeper.PublishAsync(), app.PublishAsync());
        string key = clone.KeyFileKey();
        Assert.AreEqual(key, archive.KeyFileKey(), "The same commit without .git, at the same depth, gives the clone's key.");
        Assert.AreEqual(key, deeper.KeyFileKey(), "At another depth too.");
        Assert.AreEqual(key, app.KeyFileKey(), "And the work tree it was committed in, which has no remote.");
    }

    // EmbedUntrackedSources off by default, the SDK's default again with
    // ContainerCacheStableAcrossCommits=false, and a project's own value kept: evaluation only, in the
    // targets tests (DefaultsTests).

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
}
