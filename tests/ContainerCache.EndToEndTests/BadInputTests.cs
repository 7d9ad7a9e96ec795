using ContainerCache.TestRegistry;

namespace ContainerCache.EndToEndTests;

/// <summary>
/// Bad input in a real publish: one coded error naming the property or file, never MSBuild's
/// own failure of a task or condition (MSB4018, MSB4100, MSB3024/MSB3025) with a stack trace.
/// </summary>
[TestClass]
public sealed class BadInputTests
{
    [TestMethod]
    public async Task CodedErrors_FromTheTargetsAndFromATask_LinkToTheirPage()
    {
        TestApp app = TestApp.Create("HelpLink");

        // The doc page goes with the error, from the targets and from a task alike: the terminal logger makes the code a link to it.
        // (The errors themselves, without a real publish, are in the targets tests.)
        AssertHelpLink(await app.TryPublishAsync("-tl:on", "-p:ContainerCacheEnabled=abc"), "CONTAINERCACHE1003");
        AssertHelpLink(await app.TryPublishAsync("-tl:on", "-p:ContainerCacheRegistryTimeout=NaN"), "CONTAINERCACHE1003");
    }

    [TestMethod]
    public async Task ADirectoryInPlaceOfTheObjCopiesOfTheKeyFile_IsCONTAINERCACHE1005NamingIt_AndInPlaceOfTheHashCache_IsIgnored()
    {
        TestApp app = TestApp.Create("ObjDirectory");
        await app.PublishAsync();
        string obj = Path.Combine(app.Directory, "obj", "Release", "net10.0");

        foreach (string name in new[] { "container-cache.previous.json", "container-cache.last.json" })
        {
            string path = Path.Combine(obj, name);
            File.Delete(path);
            Directory.CreateDirectory(Path.Combine(path, "sub"));
            AssertCodedError(await app.TryPublishAsync(), "CONTAINERCACHE1005", path);
            Directory.Delete(path, recursive: true);
        }

        string hashes = Path.Combine(obj, "container-cache.hashes");
        File.Delete(hashes);
        Directory.CreateDirectory(hashes);
        CommandResult result = await app.PublishAsync("-v:d");
        StringAssert.Contains(result.Output, "was not used: it is not a regular file", "The package's own cache: every file is read instead.");
    }

    /// <summary>The terminal logger writes a code with a help link as an OSC 8 hyperlink to it.</summary>
    private static void AssertHelpLink(CommandResult result, string code)
    {
        Assert.AreNotEqual(0, result.ExitCode, result.Output);
        string link = $"https://github.com/containercache/containercache/blob/main/docs/diagnostics/{code}.md";
        StringAssert.Contains(result.Output, $"\u001b]8;;{link}\u001b\\{code}\u001b]8;;\u001b\\", result.Output);
    }

    private static void AssertCodedError(CommandResult result, string code, string mention)
    {
        Assert.AreNotEqual(0, result.ExitCode, result.Output);
        StringAssert.Contains(result.Output, "error " + code, result.Output);
        StringAssert.Contains(result.Output, mention, result.Output);
        foreach (string unwanted in new[] { "MSB4018", "MSB4100", "MSB3024", "MSB3025", "CONTAINERCACHE1013", "   at " })
        {
            Assert.IsFalse(result.Output.Contains(unwanted), $"No {unwanted.Trim()}:\n{result.Output}");
        }
    }
}
