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

    private static string Environment(string name, string value) =>
        $"<ItemGroup><ContainerEnvironmentVariable Include=\"{name}\" Value=\"{value}\" /></ItemGroup>";
}
