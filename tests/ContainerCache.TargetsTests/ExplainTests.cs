using System.Text.RegularExpressions;

namespace ContainerCache.TargetsTests;

/// <summary>
/// Why did the key change: the summary a publish prints, at the default verbosity, names exactly
/// the input that changed. Moved from the end-to-end ExplainTests: the key is computed twice over
/// one publish directory, edited in between, as a publish would have changed it.
/// </summary>
[TestClass]
public sealed class ExplainTests
{
    public static IEnumerable<object[]> Inputs =>
    [
        ["content file changed", "files changed (1): data.txt", (Action<TestProject>)(p => p.WriteFile("pub/data.txt", "two"))],
        ["file added", "files added (1): extra.txt", (Action<TestProject>)(p => p.WriteFile("pub/extra.txt", "x"))],
        ["file removed", "files removed (1): data.txt", (Action<TestProject>)(p => File.Delete(Path.Combine(p.Directory, "pub", "data.txt")))],
        ["environment variable", "settings changed (1): env:GREETING", (Action<TestProject>)(p => p.Customize(Environment("GREETING", "bonjour")))],
        ["environment variable added", "settings added (1): env:OTHER", (Action<TestProject>)(p => p.Customize(Environment("GREETING", "hello") + Environment("OTHER", "x")))],
        ["user", "settings changed (1): user", (Action<TestProject>)(p => p.Customize(Environment("GREETING", "hello") + "<PropertyGroup><ContainerUser>root</ContainerUser></PropertyGroup>"))],
        ["port", "settings changed (1): ports", (Action<TestProject>)(p => p.Customize(Environment("GREETING", "hello") + "<ItemGroup><ContainerPort Include=\"9090\" /></ItemGroup>"))],
        // The SDK writes the base image's name into a label of its own, so that changes too.
        ["base image tag", "settings changed (2): base.tag, label:org.opencontainers.image.base.name", (Action<TestProject>)(p => p.Customize(Environment("GREETING", "hello") + "<PropertyGroup><ContainerBaseImage>localhost:5000/base:2</ContainerBaseImage></PropertyGroup>"))],
    ];

    [TestMethod]
    [DynamicData(nameof(Inputs))]
    public async Task OneInputChanged_TheSummaryNamesExactlyIt(string change, string expected, Action<TestProject> apply)
    {
        TestProject project = TestProject.Create("Explain", content: Environment("GREETING", "hello"));
        project.WriteFile("pub/app.dll", "the app");
        project.WriteFile("pub/data.txt", "one");
        await project.ComputeKeyWithLogAsync();

        apply(project);
        MSBuildResult result = await project.ComputeKeyWithLogAsync();

        string[] kinds = Regex.Matches(result.Log, @"^\s+(files|settings) (changed|added|removed) \(\d+\): .*$", RegexOptions.Multiline).Select(m => m.Value.Trim()).ToArray();
        CollectionAssert.AreEqual(new[] { expected }, kinds, $"{change}: the summary names exactly it.\n{result.Log}");
        StringAssert.Contains(result.Log, "ContainerCache: changed since the last publish (key ");
    }

    // Moved from the end-to-end ExplainTests: the explain target against a named baseline, over one
    // publish directory keyed three times (the baseline saved, every file edited, then nothing).
    [TestMethod]
    public async Task ExplainTarget_PrintsEveryChangeAgainstANamedBaseline_AMissingOneIsCONTAINERCACHE1008()
    {
        TestProject project = TestProject.Create("Baseline");
        project.WriteFile("pub/app.dll", "the app");
        for (int i = 0; i < 8; i++)
        {
            project.WriteFile($"pub/data{i}.txt", "one");
        }

        await project.ComputeKeyWithLogAsync();
        string saved = Path.Combine(project.Directory, "release.json");
        File.Copy(Path.Combine(project.Directory, "pub", "container-cache.json"), saved);
        for (int i = 0; i < 8; i++)
        {
            project.WriteFile($"pub/data{i}.txt", "two");
        }

        await project.ComputeKeyWithLogAsync();
        StringAssert.Contains((await project.ComputeKeyWithLogAsync()).Log, "key unchanged since the last publish");

        MSBuildResult explained = await project.RunAsync("-t:ContainerCacheExplain", "-p:PublishDir=pub/", "-p:ContainerCacheBaseline=release.json");
        Assert.AreEqual(0, explained.ExitCode, explained.Log);
        StringAssert.Contains(explained.Log, "changed since the baseline " + saved);
        StringAssert.Contains(explained.Log, "files changed (8): data0.txt, data1.txt, data2.txt, data3.txt, data4.txt, and 3 more");
        for (int i = 0; i < 8; i++)
        {
            StringAssert.Contains(explained.Log, $"    file changed: data{i}.txt", "The target prints every change.");
        }

        MSBuildResult missing = await project.RunAsync("-t:ContainerCacheComputeKey", "-p:PublishDir=pub/", "-p:ContainerCacheBaseline=no-such.json");
        Assert.AreNotEqual(0, missing.ExitCode);
        Assert.IsTrue(missing.DiagnosticsWithCode("CONTAINERCACHE1008").Any(d => d.Contains("no-such.json", StringComparison.Ordinal)), missing.Log);
    }

    private static string Environment(string name, string value) =>
        $"<ItemGroup><ContainerEnvironmentVariable Include=\"{name}\" Value=\"{value}\" /></ItemGroup>";
}
