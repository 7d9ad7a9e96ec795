using System.Text.Json;

namespace ContainerCache.TargetsTests;

/// <summary>
/// The results a pipeline reads, wired to what the build knows: the image is keyed and stamped
/// (<see cref="Targets.PrepareImageTarget"/>), then the results are written as after the image step,
/// with the SDK's outputs (GeneratedContainerDigest) given as properties. The CI variables point at
/// files of the test: no registry, no CI service. The cases that give relative paths, or none, run
/// in a <c>dotnet msbuild</c> of their own, started in the project's folder: relative paths are
/// taken from the folder the build started in (MSBuildStartupDirectory), which in this process is
/// the test runner's. The others give full paths and run in this process.
/// </summary>
[TestClass]
public sealed class ResultsTests
{
    private const string WriteResultsTarget = "_ContainerCacheWriteResults";
    private const string Digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    [TestMethod]
    public async Task RegistryImage_EveryFile_KeyHitImagePinnedTagsChanges()
    {
        TestProject project = TestProject.Create("Web.Api");
        project.WriteFile("pub/app.txt", "the app");
        Directory.CreateDirectory(Path.Combine(project.Directory, "obj", "Release", "net10.0"));
        string[] ci = ["-p:GITHUB_ACTIONS=true", "-p:GITHUB_OUTPUT=gh/output", "-p:GITHUB_STEP_SUMMARY=gh/summary.md", "-p:GITLAB_CI=true", $"-p:CI_PROJECT_DIR={project.Directory}/gl"];
        MSBuildResult first = await RunAsync(project, ci);
        string key1 = first.Properties["ContainerCacheKey"];

        project.WriteFile("pub/app.txt", "the app, changed");
        MSBuildResult second = await RunAsync(project, ci);
        string key2 = second.Properties["ContainerCacheKey"];
        Assert.AreNotEqual(key1, key2);

        string[] lines = File.ReadAllLines(Path.Combine(project.Directory, "results.jsonl"));
        Assert.AreEqual(2, lines.Length, "Relative to the folder the build started in; appended to.");
        JsonElement line = JsonDocument.Parse(lines[1]).RootElement;
        Assert.AreEqual(1, line.GetProperty("schemaVersion").GetInt32());
        Assert.AreEqual("Web.Api", line.GetProperty("project").GetString());
        Assert.AreEqual("linux-x64", line.GetProperty("runtimeIdentifier").GetString());
        Assert.AreEqual("image", line.GetProperty("kind").GetString());
        Assert.AreEqual(key2, line.GetProperty("key").GetString());
        Assert.IsFalse(line.GetProperty("hit").GetBoolean());
        Assert.AreEqual("localhost:5000/web.api@" + Digest, line.GetProperty("image").GetString());
        CollectionAssert.Contains(line.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ToArray(), key2, "The key tag it was stamped with.");
        CollectionAssert.AreEqual(new[] { "file changed: app.txt" }, line.GetProperty("changes").EnumerateArray().Select(t => t.GetString()).ToArray(), lines[1]);

        string output = File.ReadAllText(Path.Combine(project.Directory, "gh", "output"));
        StringAssert.Contains(output, $"web-api-key={key2}\nweb-api-hit=false\nweb-api-image=localhost:5000/web.api@{Digest}\n");
        StringAssert.EndsWith(output, $"image-count=2\nkey=\nhit=\nimage=\ndigest=\n", "Two publishes of one image in a step are two images to the step's outputs.");
        string summary = File.ReadAllText(Path.Combine(project.Directory, "gh", "summary.md"));
        Assert.AreEqual(1, summary.Split('\n').Count(l => l.StartsWith("| Project |", StringComparison.Ordinal)), summary);
        StringAssert.Contains(summary, $"| Web.Api | linux-x64 | `{key2}` | built | `{Digest}` | file changed: app.txt |");
        string dotenv = File.ReadAllText(Path.Combine(project.Directory, "gl", "containercache.env"));
        StringAssert.Contains(dotenv, $"CONTAINERCACHE_WEB_API_KEY={key2}\n");
        StringAssert.Contains(dotenv, $"CONTAINERCACHE_WEB_API_IMAGE=localhost:5000/web.api@{Digest}\n");
    }

    [TestMethod]
    public async Task CiOutputsFalse_OnlyTheResultsFile_OutsideCi_NoFiles()
    {
        TestProject project = TestProject.Create("Quiet", "<ContainerCacheCiOutputs>false</ContainerCacheCiOutputs>");
        project.WriteFile("pub/app.txt", "the app");
        Directory.CreateDirectory(Path.Combine(project.Directory, "obj", "Release", "net10.0"));
        await RunAsync(project, ["-p:GITHUB_ACTIONS=true", "-p:GITHUB_OUTPUT=gh/output", "-p:GITHUB_STEP_SUMMARY=gh/summary.md", "-p:GITLAB_CI=true"]);
        Assert.IsTrue(File.Exists(Path.Combine(project.Directory, "results.jsonl")));
        Assert.IsFalse(Directory.Exists(Path.Combine(project.Directory, "gh")));
        Assert.IsFalse(File.Exists(Path.Combine(project.Directory, "containercache.env")));

        TestProject plain = TestProject.Create("Plain");
        plain.WriteFile("pub/app.txt", "the app");
        Directory.CreateDirectory(Path.Combine(plain.Directory, "obj", "Release", "net10.0"));
        MSBuildResult result = await plain.RunOutOfProcessAsync($"-t:{Targets.PrepareImageTarget};{WriteResultsTarget}", "-p:PublishDir=pub/", "-p:ContainerCacheResolveBaseImage=false", "-p:GITHUB_ACTIONS=", "-p:GITLAB_CI=", "-p:GeneratedContainerDigest=" + Digest);
        Assert.AreEqual(0, result.ExitCode, result.Log);
        Assert.IsFalse(Directory.EnumerateFileSystemEntries(plain.Directory).Any(e => Path.GetFileName(e) is "results.jsonl" or "containercache.env" or "gh"), "Outside CI, with no results file set, nothing is written.");
    }

    [TestMethod]
    public async Task Archive_TheImageIsTheArchivesFullPath_WithItsDigest()
    {
        TestProject project = TestProject.Create("Archived");
        project.WriteFile("pub/app.txt", "the app");
        Directory.CreateDirectory(Path.Combine(project.Directory, "obj", "Release", "net10.0"));
        // The archive's path relative (to the project, as the SDK takes it), the results file's full.
        MSBuildResult result = await project.RunAsync($"-t:{Targets.PrepareImageTarget};{WriteResultsTarget}", "-p:PublishDir=pub/", "-p:ContainerCacheResolveBaseImage=false",
            "-p:GITHUB_ACTIONS=", "-p:GITLAB_CI=", $"-p:ContainerCacheResultsFile={project.Directory}/out/results.jsonl", "-p:ContainerArchiveOutputPath=images/archived.tar.gz", "-p:GeneratedContainerDigest=" + Digest);
        Assert.AreEqual(0, result.ExitCode, result.Log);
        JsonElement line = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.Directory, "out", "results.jsonl"))).RootElement;
        Assert.AreEqual("archive", line.GetProperty("destination").GetString());
        Assert.AreEqual(Path.Combine(project.Directory, "images", "archived.tar.gz"), line.GetProperty("image").GetString());
        Assert.AreEqual(Digest, line.GetProperty("digest").GetString());
    }

    [TestMethod]
    public async Task ResultsFileIsADirectory_CodedErrorNamingItAndTheProperty()
    {
        TestProject project = TestProject.Create("Unwritable");
        project.WriteFile("pub/app.txt", "the app");
        Directory.CreateDirectory(Path.Combine(project.Directory, "obj", "Release", "net10.0"));
        Directory.CreateDirectory(Path.Combine(project.Directory, "results.jsonl"));
        MSBuildResult result = await project.RunAsync($"-t:{Targets.PrepareImageTarget};{WriteResultsTarget}", "-p:PublishDir=pub/", "-p:ContainerCacheResolveBaseImage=false",
            "-p:GITHUB_ACTIONS=", "-p:GITLAB_CI=", $"-p:ContainerCacheResultsFile={project.Directory}/results.jsonl", "-p:GeneratedContainerDigest=" + Digest);
        Assert.AreNotEqual(0, result.ExitCode);
        string error = result.DiagnosticsWithCode("CONTAINERCACHE1017").Single();
        StringAssert.Contains(error, "results.jsonl");
        StringAssert.Contains(error, "ContainerCacheResultsFile");
    }

    private static async Task<MSBuildResult> RunAsync(TestProject project, string[] ci)
    {
        MSBuildResult result = await project.RunOutOfProcessAsync(
            [$"-t:{Targets.PrepareImageTarget};{WriteResultsTarget}", "-p:PublishDir=pub/", "-p:ContainerCacheResolveBaseImage=false",
             "-p:ContainerRegistry=localhost:5000", "-p:ContainerRuntimeIdentifier=linux-x64", "-p:GeneratedContainerDigest=" + Digest,
             "-p:ContainerCacheResultsFile=results.jsonl", "-getProperty:ContainerCacheKey", .. ci]);
        Assert.AreEqual(0, result.ExitCode, result.Log);
        return result;
    }
}
