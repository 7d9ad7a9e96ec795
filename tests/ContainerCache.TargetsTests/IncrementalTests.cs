using System.Text.RegularExpressions;

namespace ContainerCache.TargetsTests;

/// <summary>
/// An unchanged republish does not read the files again, and never at the cost of a wrong key:
/// what a timestamp check misses, the key does not. Moved from the end-to-end IncrementalTests:
/// the app built once for the run (<see cref="Targets.BuiltApp"/>, its data.txt a content file) is
/// copied, and each case publishes its copy (-p:NoBuild=true) with the SDK's own Publish targets,
/// whose incremental copy is what the first case needs.
/// </summary>
[TestClass]
public sealed class IncrementalTests
{
    private static TestProject _built = null!;

    [ClassInitialize]
    public static async Task InitializeAsync(TestContext context) => _built = await Targets.BuiltApp;

    private static async Task<MSBuildResult> PublishAsync(TestProject project, params string[] arguments)
    {
        MSBuildResult result = await project.PublishBuiltAsync(arguments);
        Assert.AreEqual(0, result.ExitCode, result.Log);
        return result;
    }

    private static (int Read, int Unchanged) Counts(MSBuildResult result)
    {
        Match match = Regex.Match(result.Log, @"ContainerCache: (\d+) files read, (\d+) unchanged since they were hashed");
        Assert.IsTrue(match.Success, "No hash cache line at -v:d:\n" + result.Log);
        return (int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value));
    }

    [TestMethod]
    public async Task UnchangedRepublish_ReadsNoFile_AndAnEditTheSdkDidNotCopy_StillChangesTheKey()
    {
        TestProject project = _built.CopyTo("Unchanged");
        string key = (await PublishAsync(project)).Properties["ContainerCacheKey"];

        // Files written in the 2 s before they are hashed are read again next time (a second write
        // in the same clock tick would not show): one more publish, 3 s later, makes them old enough.
        await Task.Delay(TimeSpan.FromSeconds(3));
        await PublishAsync(project);
        MSBuildResult unchanged = await PublishAsync(project, "-v:d");
        Assert.AreEqual(0, Counts(unchanged).Read, unchanged.Log);
        Assert.AreEqual(key, unchanged.Properties["ContainerCacheKey"]);
        StringAssert.Contains(unchanged.Log, "ContainerCache: key unchanged since the last publish.");

        // Rewrite the published copy in place with the same size and modification time: MSBuild's
        // incremental copy trusts the timestamp and leaves it; the change time and the key do not.
        string published = Path.Combine(project.PublishDirectory, "data.txt");
        DateTime modified = File.GetLastWriteTimeUtc(published);
        File.WriteAllText(published, "two");
        File.SetLastWriteTimeUtc(published, modified);

        MSBuildResult edited = await PublishAsync(project, "-v:d");
        Assert.AreEqual("two", File.ReadAllText(published), "The SDK copied data.txt again; the test needs it left alone.");
        Assert.AreEqual((1, Counts(unchanged).Unchanged - 1), Counts(edited));
        Assert.AreNotEqual(key, edited.Properties["ContainerCacheKey"]);
        StringAssert.Contains(edited.Log, "files changed (1): data.txt");
    }

    [TestMethod]
    public async Task IncrementalOff_HashesEveryFile_SameKey()
    {
        TestProject project = _built.CopyTo("NotIncremental");
        string key = (await PublishAsync(project)).Properties["ContainerCacheKey"];

        MSBuildResult result = await PublishAsync(project, "-v:d", "-p:ContainerCacheIncremental=false");
        Assert.IsFalse(result.Log.Contains("unchanged since they were hashed", StringComparison.Ordinal), result.Log);
        Assert.AreEqual(key, result.Properties["ContainerCacheKey"]);
    }
}
