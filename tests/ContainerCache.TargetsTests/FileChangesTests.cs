using ContainerCache.TestRegistry;

namespace ContainerCache.TargetsTests;

/// <summary>
/// Zero false hits: every change to the files a publish ships gives a new key. Moved from the
/// end-to-end KeyChangesTests, which kept what needs a real build (a dependency's version): here
/// the app built once for the run (<see cref="Targets.BuiltApp"/>, its content/data.txt under
/// content/**) is copied, and each case publishes its copy (-p:NoBuild=true) before and after its
/// change, with the SDK's own Publish targets.
/// </summary>
[TestClass]
public sealed class FileChangesTests
{
    private static TestProject _built = null!;

    [ClassInitialize]
    public static async Task InitializeAsync(TestContext context) => _built = await Targets.BuiltApp;

    /// <summary>A copy of the built app, published once: its key is the baseline.</summary>
    private static async Task<(TestProject Project, string Key)> PublishBaselineAsync(string name)
    {
        TestProject project = _built.CopyTo(name);
        return (project, await PublishAsync(project));
    }

    private static async Task<string> PublishAsync(TestProject project)
    {
        MSBuildResult result = await project.PublishBuiltAsync();
        Assert.AreEqual(0, result.ExitCode, result.Log);
        return result.Properties["ContainerCacheKey"];
    }

    [TestMethod]
    public async Task ContentFileBytes_ChangeTheKey()
    {
        (TestProject project, string baseline) = await PublishBaselineAsync("Bytes");
        project.WriteFile("content/data.txt", "data v2");
        Assert.AreNotEqual(baseline, await PublishAsync(project));
    }

    [TestMethod]
    public async Task EmptyFileAdded_ChangesTheKey()
    {
        (TestProject project, string baseline) = await PublishBaselineAsync("Empty");
        project.WriteFile("content/empty.txt", "");
        Assert.AreNotEqual(baseline, await PublishAsync(project));
    }

    [TestMethod]
    public async Task FileRemoved_ChangesTheKey()
    {
        (TestProject project, string baseline) = await PublishBaselineAsync("Removed");
        File.Delete(Path.Combine(project.Directory, "content", "data.txt"));
        Directory.Delete(project.PublishDirectory, recursive: true);
        Assert.AreNotEqual(baseline, await PublishAsync(project));
    }

    [TestMethod]
    public async Task FileRenamedWithTheSameBytes_ChangesTheKey()
    {
        (TestProject project, string baseline) = await PublishBaselineAsync("Renamed");
        File.Move(Path.Combine(project.Directory, "content", "data.txt"), Path.Combine(project.Directory, "content", "renamed.txt"));
        Directory.Delete(project.PublishDirectory, recursive: true);
        Assert.AreNotEqual(baseline, await PublishAsync(project));
    }

    [TestMethod]
    public async Task FilePutIntoThePublishDirectoryFromOutsideTheBuild_ChangesTheKey_AndIsNamed()
    {
        (TestProject project, string baseline) = await PublishBaselineAsync("DroppedIn");
        File.WriteAllText(Path.Combine(project.PublishDirectory, "dropped-in.txt"), "the SDK layers this too");
        // Written before the build starts, by more than the 2 s tolerance: a file written during the build is the build's.
        await Task.Delay(TimeSpan.FromSeconds(3));
        MSBuildResult result = await project.PublishBuiltAsync();

        Assert.AreNotEqual(baseline, result.Properties["ContainerCacheKey"]);
        StringAssert.Contains(File.ReadAllText(project.KeyFile), "\"dropped-in.txt\"");
        StringAssert.Contains(result.Log, "warning CONTAINERCACHE2004: 1 file in the publish directory was not produced by this publish", result.Log);
        StringAssert.Contains(result.Log, "it was put there from outside): dropped-in.txt. It ships in the image", result.Log);
    }

    [TestMethod]
    public async Task FileWrittenIntoThePublishDirectoryByATargetHookedBeforeTheKey_ChangesTheKey_AndIsNotStale()
    {
        (TestProject project, string baseline) = await PublishBaselineAsync("Hooked");
        // The documented way for a build step that adds files to the publish output.
        project.Customize("""
            <Target Name="AddNotice" AfterTargets="Publish" BeforeTargets="ContainerCacheComputeKey">
              <WriteLinesToFile File="$(PublishDir)NOTICE.txt" Lines="notice v2" Overwrite="true" />
            </Target>
            """);
        MSBuildResult result = await project.PublishBuiltAsync();

        Assert.AreEqual(0, result.ExitCode, result.Log);
        Assert.IsFalse(result.Log.Contains("CONTAINERCACHE2004", StringComparison.Ordinal), "A file this build wrote is not stale:\n" + result.Log);
        Assert.AreNotEqual(baseline, result.Properties["ContainerCacheKey"]);
        StringAssert.Contains(File.ReadAllText(project.KeyFile), "\"NOTICE.txt\"");
    }

    [TestMethod]
    public async Task UncommittedEditInAGitWorkingTree_ChangesTheKey()
    {
        (TestProject project, string baseline) = await PublishBaselineAsync("Git");
        foreach (string[] git in new[] { new[] { "init", "-q" }, ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "baseline"] })
        {
            CommandResult result = await CommandLine.RunAsync("git", git, TimeSpan.FromMinutes(1), project.Directory);
            Assert.AreEqual(0, result.ExitCode, result.Output);
        }

        project.WriteFile("content/data.txt", "uncommitted edit");
        Assert.AreNotEqual(baseline, await PublishAsync(project), "The key comes from the files, never from git.");
    }
}
