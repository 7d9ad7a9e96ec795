using ContainerCache.TestRegistry;
using System.Text.RegularExpressions;

namespace ContainerCache.EndToEndTests;

/// <summary>Why did the key change, and why not: the summary each publish prints, at the default verbosity.</summary>
[TestClass]
public sealed class ExplainTests
{
    private const string Secret = "s3cr3t-V4lue-n0t-for-logs";

    // One input changed, the summary names exactly it, and the explain target against a named
    // baseline: in the targets tests (ExplainTests).

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
    public async Task NothingChanged_OneLineSaysSo_InAContainerPublish_ASecretEnvironmentValueChanged_IsInNoFileThePackageWrites_NorInTheLog()
    {
        // At normal verbosity; at detailed and diagnostic verbosity MSBuild itself logs items with their metadata.
        TestApp app = TestApp.Create("Secret");
        app.Customize(Environment("API_TOKEN", Secret));
        await app.PublishContainerAsync("-v:n");

        CommandResult unchanged = await app.PublishContainerAsync();
        Assert.AreEqual(1, Regex.Matches(unchanged.Output, "ContainerCache: key unchanged since the last publish.").Count, unchanged.Output);
        Assert.IsFalse(unchanged.Output.Contains("ContainerCache: changed since"), unchanged.Output);
        Assert.IsFalse(unchanged.Output.Contains("no input changed"), "The plain key's note stays at normal verbosity:\n" + unchanged.Output);
        Assert.IsFalse(unchanged.Output.Contains(Secret), "The value is not in the build log.");

        app.Customize(Environment("API_TOKEN", Secret + "-rotated"));
        CommandResult result = await app.PublishContainerAsync("-v:n");

        StringAssert.Contains(result.Output, "settings changed (1): env:API_TOKEN", "The name may appear.");
        Assert.IsFalse(result.Output.Contains(Secret), "The value is not in the build log.");
        string[] written =
        [
            Path.Combine(app.PublishDirectory(), "container-cache.json"),
            .. Directory.EnumerateFiles(Path.Combine(app.Directory, "obj"), "container-cache*", SearchOption.AllDirectories),
        ];
        Assert.AreEqual(5, written.Length, string.Join(", ", written)); // the key file, its two obj/ copies, the hash cache, the registries that answered in plain HTTP
        foreach (string file in written)
        {
            Assert.IsFalse(File.ReadAllText(file).Contains(Secret), $"The value is not in {file}.");
        }

        IReadOnlyDictionary<string, string> labels = await EndToEnd.Reader.GetLabelsAsync(app.Repository, "latest");
        Assert.IsFalse(labels.Values.Any(v => v.Contains(Secret)), "The value is in no label.");
    }

    private static string Environment(string name, string value) =>
        $"<ItemGroup><ContainerEnvironmentVariable Include=\"{name}\" Value=\"{value}\" /></ItemGroup>";
}
