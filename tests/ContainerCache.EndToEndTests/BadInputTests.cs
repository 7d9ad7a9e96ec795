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

    /// <summary>The terminal logger writes a code with a help link as an OSC 8 hyperlink to it.</summary>
    private static void AssertHelpLink(CommandResult result, string code)
    {
        Assert.AreNotEqual(0, result.ExitCode, result.Output);
        string link = $"https://github.com/containercache/containercache/blob/main/docs/diagnostics/{code}.md";
        StringAssert.Contains(result.Output, $"\u001b]8;;{link}\u001b\\{code}\u001b]8;;\u001b\\", result.Output);
    }
}
