using ContainerCache.TestRegistry;
using System.Text.RegularExpressions;

namespace ContainerCache.EndToEndTests;

/// <summary>Why did the key change, and why not: the summary each publish prints, at the default verbosity.</summary>
[TestClass]
public sealed class ExplainTests
{
    private const string Secret = "s3cr3t-V4lue-n0t-for-logs";

    public static IEnumerable<object[]> Inputs =>
    [
        ["content file changed", "files changed (1): data.txt", (Action<TestApp>)(app => app.WriteFile("data.txt", "two"))],
        ["file added", "files added (1): extra.txt", (Action<TestApp>)(app => { app.WriteFile("extra.txt", "x"); app.Customize(Environment("GREETING", "hello") + Content("extra.txt")); })],
        ["file removed", "files removed (1): data.txt", (Action<TestApp>)(app => { app.Customize(Environment("GREETING", "hello") + "<ItemGroup><Content Remove=\"data.txt\" /></ItemGroup>"); app.DeletePublishDirectory(); })],
        ["environment variable", "settings changed (1): env:GREETING", (Action<TestApp>)(app => app.Customize(Environment("GREETING", "bonjour")))],
        ["environment variable added", "settings added (1): env:OTHER", (Action<TestApp>)(app => app.Customize(Environment("GREETING", "hello") + Environment("OTHER", "x")))],
        ["user", "settings changed (1): user", (Action<TestApp>)(app => app.Customize(Environment("GREETING", "hello") + "<PropertyGroup><ContainerUser>root</ContainerUser></PropertyGroup>"))],
        ["port", "settings changed (1): ports", (Action<TestApp>)(app => app.Customize(Environment("GREETING", "hello") + "<ItemGroup><ContainerPort Include=\"9090\" /></ItemGroup>"))],
        // The SDK writes the base image's name into a label of its own, so that changes too.
        ["base image tag", "settings changed (2): base.tag, label:org.opencontainers.image.base.name", (Action<TestApp>)(app => app.Customize(Environment("GREETING", "hello") + $"<PropertyGroup><ContainerBaseImage>{EndToEnd.Registry.Host}/base:2</ContainerBaseImage></PropertyGroup>"))],
    ];

    [TestMethod]
    [DynamicData(nameof(Inputs))]
    public async Task OneInputChanged_TheSummaryNamesExactlyIt(string change, string expected, Action<TestApp> apply)
    {
        TestApp app = TestApp.Create("Explain", items: "<Content Include=\"data.txt\" CopyToPublishDirectory=\"PreserveNewest\" />");
        app.WriteFile("data.txt", "one");
        app.Customize(Environment("GREETING", "hello"));
        await app.PublishAsync();

        apply(app);
        CommandResult result = await app.PublishAsync();

        string[] kinds = Regex.Matches(result.Output, @"^\s+(files|settings) (changed|added|removed) \(\d+\): .*$", RegexOptions.Multiline).Select(m => m.Value.Trim()).ToArray();
        CollectionAssert.AreEqual(new[] { expected }, kinds, $"{change}: the summary names exactly it.\n{result.Output}");
        StringAssert.Contains(result.Output, "ContainerCache: changed since the last publish (key ");
    }

    [TestMethod]
    public async Task NothingChanged_OneLineSaysSo_InAContainerPublishToo()
    {
        TestApp app = TestApp.Create("Unchanged");
        await app.PublishContainerAsync();

        CommandResult result = await app.PublishContainerAsync();

        Assert.AreEqual(1, Regex.Matches(result.Output, "ContainerCache: key unchanged since the last publish.").Count, result.Output);
        Assert.IsFalse(result.Output.Contains("ContainerCache: changed since"), result.Output);
        Assert.IsFalse(result.Output.Contains("no input changed"), "The plain key's note stays at normal verbosity:\n" + result.Output);
    }

    [TestMethod]
    public async Task BaseRepushed_TheContainerPublishSaysTheBaseDigestChanged()
    {
        string baseTag = "explain-" + Guid.NewGuid().ToString("N")[..8];
        await BaseImage.PushAsync(EndToEnd.Registry.Host, "base", baseTag, BaseImage.LinuxAmd64AndArm64);
        TestApp app = TestApp.Create("ExplainBase", $"<ContainerBaseImage>{EndToEnd.Registry.Host}/base:{baseTag}</ContainerBaseImage>");
        await app.PublishContainerAsync();

        await BaseImage.PushAsync(EndToEnd.Registry.Host, "base", baseTag, BaseImage.LinuxAmd64AndArm64, marker: "patched");
        CommandResult result = await app.PublishContainerAsync();

        StringAssert.Contains(result.Output, "settings changed (1): base.digest");
        StringAssert.Contains(result.Output, "is now the image with key", "The miss names the key of the image the tag has now.");
    }

    [TestMethod]
    public async Task ExplainTarget_PrintsEveryChangeAgainstANamedBaseline()
    {
        TestApp app = TestApp.Create("Baseline", items: "<Content Include=\"data*.txt\" CopyToPublishDirectory=\"PreserveNewest\" />");
        for (int i = 0; i < 8; i++)
        {
            app.WriteFile($"data{i}.txt", "one");
        }

        await app.PublishAsync();
        string saved = Path.Combine(app.Directory, "release.json");
        File.Copy(Path.Combine(app.PublishDirectory(), "container-cache.json"), saved);

        for (int i = 0; i < 8; i++)
        {
            app.WriteFile($"data{i}.txt", "two");
        }

        await app.PublishAsync();
        CommandResult unchangedSincePublish = await app.PublishAsync();
        StringAssert.Contains(unchangedSincePublish.Output, "key unchanged since the last publish");

        CommandResult explained = await app.PublishAsync("-t:ContainerCacheExplain", "-p:ContainerCacheBaseline=release.json");
        StringAssert.Contains(explained.Output, "changed since the baseline " + saved);
        StringAssert.Contains(explained.Output, "files changed (8): data0.txt, data1.txt, data2.txt, data3.txt, data4.txt, and 3 more");
        for (int i = 0; i < 8; i++)
        {
            StringAssert.Contains(explained.Output, $"    file changed: data{i}.txt", "The target prints every change.");
        }

        CommandResult missing = await app.TryPublishAsync("-p:ContainerCacheBaseline=no-such.json");
        Assert.AreNotEqual(0, missing.ExitCode);
        StringAssert.Contains(missing.Output, "error CONTAINERCACHE1008");
        StringAssert.Contains(missing.Output, "no-such.json");
    }

    [TestMethod]
    public async Task ASecretEnvironmentValue_IsInNoFileThePackageWrites_NorInTheLog()
    {
        // At normal verbosity; at detailed and diagnostic verbosity MSBuild itself logs items with their metadata.
        TestApp app = TestApp.Create("Secret");
        app.Customize(Environment("API_TOKEN", Secret));
        await app.PublishContainerAsync("-v:n");
        app.Customize(Environment("API_TOKEN", Secret + "-rotated"));
        CommandResult result = await app.PublishContainerAsync("-v:n");

        StringAssert.Contains(result.Output, "settings changed (1): env:API_TOKEN", "The name may appear.");
        Assert.IsFalse(result.Output.Contains(Secret), "The value is not in the build log.");
        string[] written =
        [
            Path.Combine(app.PublishDirectory(), "container-cache.json"),
            .. Directory.EnumerateFiles(Path.Combine(app.Directory, "obj"), "container-cache*", SearchOption.AllDirectories),
        ];
        Assert.AreEqual(4, written.Length, string.Join(", ", written)); // the key file, its two obj/ copies, the hash cache
        foreach (string file in written)
        {
            Assert.IsFalse(File.ReadAllText(file).Contains(Secret), $"The value is not in {file}.");
        }

        IReadOnlyDictionary<string, string> labels = await EndToEnd.Reader.GetLabelsAsync(app.Repository, "latest");
        Assert.IsFalse(labels.Values.Any(v => v.Contains(Secret)), "The value is in no label.");
    }

    private static string Environment(string name, string value) =>
        $"<ItemGroup><ContainerEnvironmentVariable Include=\"{name}\" Value=\"{value}\" /></ItemGroup>";

    private static string Content(string file) =>
        $"<ItemGroup><Content Include=\"{file}\" CopyToPublishDirectory=\"PreserveNewest\" /></ItemGroup>";
}
