using ContainerCache.TestRegistry;
using System.Text.RegularExpressions;

namespace ContainerCache.EndToEndTests;

/// <summary>
/// An unchanged republish does not read the files again, and never at the cost of a wrong key:
/// what a timestamp check misses, the key does not.
/// </summary>
[TestClass]
public sealed class IncrementalTests
{
    private static (int Read, int Unchanged) Counts(CommandResult result)
    {
        Match match = Regex.Match(result.Output, @"ContainerCache: (\d+) files read, (\d+) unchanged since they were hashed");
        Assert.IsTrue(match.Success, "No hash cache line at -v:d:\n" + result.Output);
        return (int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value));
    }

    [TestMethod]
    public async Task UnchangedRepublish_ReadsNoFile_AndAnEditTheSdkDidNotCopy_StillChangesTheKey()
    {
        TestApp app = TestApp.Create("Incremental", items: "<Content Include=\"data.txt\" CopyToPublishDirectory=\"PreserveNewest\" />");
        app.WriteFile("data.txt", "one");
        await app.PublishAsync();
        DateTime written = DateTime.UtcNow;
        string key = app.KeyFileKey();

        // Files written in the 2 s before they are hashed are read again next time (a second write
        // in the same clock tick would not show): one more publish makes them old enough.
        await FileAge.WaitUntilOldAsync(written);
        await app.PublishAsync();
        CommandResult unchanged = await app.PublishAsync("-v:d");
        Assert.AreEqual(0, Counts(unchanged).Read, unchanged.Output);
        Assert.AreEqual(key, app.KeyFileKey());
        StringAssert.Contains(unchanged.Output, "ContainerCache: key unchanged since the last publish.");

        // Rewrite the published copy in place with the same size and modification time: MSBuild's
        // incremental copy trusts the timestamp and leaves it; the change time and the key do not.
        string published = Path.Combine(app.PublishDirectory(), "data.txt");
        DateTime modified = File.GetLastWriteTimeUtc(published);
        File.WriteAllText(published, "two");
        File.SetLastWriteTimeUtc(published, modified);

        CommandResult edited = await app.PublishAsync("-v:d");
        Assert.AreEqual("two", File.ReadAllText(published), "The SDK copied data.txt again; the test needs it left alone.");
        Assert.AreEqual((1, Counts(unchanged).Unchanged - 1), Counts(edited));
        Assert.AreNotEqual(key, app.KeyFileKey());
        StringAssert.Contains(edited.Output, "files changed (1): data.txt");
    }

    [TestMethod]
    public async Task IncrementalOff_HashesEveryFile_SameKey()
    {
        TestApp app = TestApp.Create("NotIncremental");
        await app.PublishAsync();
        string key = app.KeyFileKey();

        CommandResult result = await app.PublishAsync("-v:d", "-p:ContainerCacheIncremental=false");
        Assert.IsFalse(result.Output.Contains("unchanged since they were hashed"), result.Output);
        Assert.AreEqual(key, app.KeyFileKey());
    }
}
