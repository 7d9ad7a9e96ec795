using System.Diagnostics;
using ContainerCache.Diagnostics;
using ContainerCache.Results;

namespace ContainerCache.Tests;

[TestClass]
public sealed class ResultFormatTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static ImageResult Result(string project = "Web.Api", string rid = "linux-x64", ImageKind kind = ImageKind.Image, bool hit = false, string[]? changes = null) =>
        new(project, rid, kind, "0123456789abcdef0123456789abcdef", hit, ImageDestination.Registry,
            $"localhost:5000/{project.ToLowerInvariant()}@{Digest}", Digest, ["latest", "latest", ""], changes ?? ["Program.dll"]);

    [TestMethod]
    [DataRow("Web.Api", "web-api")]
    [DataRow("AppA", "appa")]
    [DataRow("My App (v2)", "my-app-v2")]
    [DataRow("2fa", "_2fa")]
    [DataRow("..", "_")]
    [DataRow("web-api-linux-arm64", "web-api-linux-arm64")]
    [DataRow("Über_App", "ber_app")]
    public void OutputName_LowercaseLettersDigitsDashUnderscore_StartsWithLetterOrUnderscore(string name, string expected)
    {
        Assert.AreEqual(expected, ResultFormat.OutputName(name));
    }

    [TestMethod]
    public void OutputName_PlatformImagesCarryTheirRid_TheImageAndTheIndexTheProjectAlone()
    {
        Assert.AreEqual("web-api", Result().OutputName);
        Assert.AreEqual("web-api", Result(kind: ImageKind.Index, rid: "").OutputName);
        Assert.AreEqual("web-api-linux-arm64", Result(kind: ImageKind.Platform, rid: "linux-arm64").OutputName);
        Assert.AreEqual("CONTAINERCACHE_WEB_API_IMAGE", ResultFormat.DotenvName("web-api", "image"));
        Assert.AreEqual("CONTAINERCACHE_IMAGE_COUNT", ResultFormat.DotenvName("", "image-count"));
    }

    [TestMethod]
    public void JsonLine_OneLine_EveryField_EscapedAndReadBack()
    {
        ImageResult result = Result(project: "We\"b\\", changes: ["a\nb.dll", "Ports", "tab\there"]);
        string line = ResultFormat.JsonLine(result);

        Assert.IsTrue(line.EndsWith('\n'));
        Assert.AreEqual(1, line.Count(c => c == '\n'), "One line per image, whatever the names hold.");
        object? json = Json.Parse(line);
        Assert.AreEqual(1.0, Json.GetNumber(json, "schemaVersion"));
        Assert.AreEqual("We\"b\\", Json.GetString(json, "project"));
        Assert.AreEqual("linux-x64", Json.GetString(json, "runtimeIdentifier"));
        Assert.AreEqual("image", Json.GetString(json, "kind"));
        Assert.AreEqual("0123456789abcdef0123456789abcdef", Json.GetString(json, "key"));
        Assert.AreEqual(false, Json.Parse(line) is Dictionary<string, object?> d ? d["hit"] : null);
        Assert.AreEqual("registry", Json.GetString(json, "destination"));
        Assert.AreEqual(Digest, Json.GetString(json, "digest"));
        StringAssert.EndsWith(Json.GetString(json, "image"), "@" + Digest);
        CollectionAssert.AreEqual(new object?[] { "latest" }, Json.GetArray(json, "tags"), "Tags once each, none empty.");
        CollectionAssert.AreEqual(new object?[] { "a\nb.dll", "Ports", "tab\there" }, Json.GetArray(json, "changes"));
        Assert.AreEqual("we-b", Json.GetString(json, "output"));
    }

    [TestMethod]
    public void IdentifyImage_RegistryByDigest_ArchiveByPath_LocalStoreByImageId()
    {
        const string manifest = """{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:c0nf1g","size":1},"layers":[]}""";
        Assert.AreEqual("r:5000/app@" + Digest, ResultFormat.IdentifyImage(ImageDestination.Registry, "r:5000", "app", Digest, manifest, ""));
        Assert.AreEqual("", ResultFormat.IdentifyImage(ImageDestination.Registry, "r:5000", "app", "", manifest, ""), "Never a name without its digest.");
        Assert.AreEqual("/tmp/app.tar.gz", ResultFormat.IdentifyImage(ImageDestination.Archive, "", "app", Digest, manifest, "/tmp/app.tar.gz"));
        Assert.AreEqual("sha256:c0nf1g", ResultFormat.IdentifyImage(ImageDestination.LocalStore, "", "app", Digest, manifest, ""));
        Assert.AreEqual(Digest, ResultFormat.IdentifyImage(ImageDestination.LocalStore, "", "app", Digest, """{"manifests":[]}""", ""), "An index: by its digest.");
    }

    [TestMethod]
    public void TagsOf_TheTagOfEachName_NotAPort()
    {
        CollectionAssert.AreEqual(
            new[] { "1.0", "latest" },
            ResultFormat.TagsOf(["localhost:5000/app:1.0", "app:latest", "localhost:5000/app", "app:"]).ToArray());
    }

    [TestMethod]
    public void GitHubOutputs_NamedValues_PlainOnesOnlyWhileOneImage()
    {
        string first = ResultFormat.GitHubOutputs("", [Result(project: "AppA")]);
        StringAssert.Contains(first, "appa-key=0123456789abcdef0123456789abcdef\nappa-hit=false\nappa-image=localhost:5000/appa@" + Digest + "\nappa-digest=" + Digest + "\n");
        StringAssert.Contains(first, "image-count=1\nkey=0123456789abcdef0123456789abcdef\nhit=false\nimage=localhost:5000/appa@");

        string second = ResultFormat.GitHubOutputs("other=1\n" + first, [Result(project: "AppB", hit: true)]);
        StringAssert.Contains(second, "appb-hit=true\n");
        StringAssert.EndsWith(second, "image-count=2\nkey=\nhit=\nimage=\ndigest=\n", "Two images: the plain outputs are emptied, never left naming one of them.");

        string platform = ResultFormat.GitHubOutputs("", [Result(kind: ImageKind.Platform, rid: "linux-arm64")]);
        StringAssert.Contains(platform, "web-api-linux-arm64-image=");
        StringAssert.EndsWith(platform, "image-count=0\n", "A platform image is deployed through its index.");
        StringAssert.Contains(ResultFormat.GitHubOutputs(platform, [Result(kind: ImageKind.Index, rid: "")]), "image-count=1\nkey=");
    }

    [TestMethod]
    public void SummaryRows_HeaderOnce_RowsOfLaterProjectsExtendTheTable()
    {
        string first = ResultFormat.SummaryRows("", [Result(project: "AppA")]);
        StringAssert.StartsWith(first, "### ContainerCache\n\n" + ResultFormat.SummaryHeader + "\n| --- |");
        StringAssert.EndsWith(first, "| AppA | linux-x64 | `0123456789abcdef0123456789abcdef` | built | `" + Digest + "` | Program.dll |\n");

        string second = ResultFormat.SummaryRows(first, [Result(project: "AppB", hit: true, changes: [])]);
        Assert.IsFalse(second.Contains(ResultFormat.SummaryHeader, StringComparison.Ordinal), second);
        StringAssert.StartsWith(second, "| AppB | linux-x64 | `0123456789abcdef0123456789abcdef` | hit |");

        string afterOtherText = ResultFormat.SummaryRows(first + second + "Tests passed.\n", [Result(project: "AppC")]);
        StringAssert.StartsWith(afterOtherText, "\n### ContainerCache\n\n" + ResultFormat.SummaryHeader, "Text of another step ended the table: a new one.");
        StringAssert.Contains(ResultFormat.SummaryRows("", [Result(kind: ImageKind.Index, rid: "", changes: [])]), "| index |");
    }

    [TestMethod]
    public void SummaryRows_NamesEscaped_PipeCannotEndTheCell_LongListsCut()
    {
        string row = ResultFormat.SummaryRows("", [Result(project: "A|B", changes: ["wwwroot/a|b.js", "<script>", "x*y_z"])]).Split('\n')[^2];
        StringAssert.StartsWith(row, "| A\\|B |");
        StringAssert.Contains(row, "wwwroot/a\\|b.js, \\<script\\>, x\\*y\\_z |");
        Assert.AreEqual(7, row.Replace("\\|", "").Count(c => c == '|'), "Six cells.");

        string many = ResultFormat.SummaryRows("", [Result(changes: Enumerable.Range(1, 25).Select(i => $"f{i}.dll").ToArray())]);
        StringAssert.Contains(many, "f10.dll and 15 more |");
        Assert.IsFalse(many.Contains("f11.dll", StringComparison.Ordinal));
    }

    [TestMethod]
    public void Dotenv_EachVariableOnce_PlainOnlyWhileOneImage_NoPlatformImages()
    {
        string first = ResultFormat.Dotenv("", [Result(project: "AppA")]);
        StringAssert.Contains(first, "CONTAINERCACHE_APPA_KEY=0123456789abcdef0123456789abcdef\nCONTAINERCACHE_APPA_HIT=false\nCONTAINERCACHE_APPA_IMAGE=localhost:5000/appa@" + Digest + "\n");
        StringAssert.Contains(first, "CONTAINERCACHE_IMAGE_COUNT=1\nCONTAINERCACHE_KEY=");

        string again = ResultFormat.Dotenv(first, [Result(project: "AppA", hit: true)]);
        Assert.AreEqual(1, again.Split('\n').Count(l => l.StartsWith("CONTAINERCACHE_APPA_HIT=", StringComparison.Ordinal)));
        StringAssert.Contains(again, "CONTAINERCACHE_APPA_HIT=true\n");

        string two = ResultFormat.Dotenv(first, [Result(project: "AppB")]);
        StringAssert.Contains(two, "CONTAINERCACHE_APPB_IMAGE=");
        StringAssert.Contains(two, "CONTAINERCACHE_IMAGE_COUNT=2\n");
        Assert.IsFalse(two.Contains("CONTAINERCACHE_KEY=", StringComparison.Ordinal), two);

        Assert.AreEqual("CONTAINERCACHE_IMAGE_COUNT=0\n", ResultFormat.Dotenv("", [Result(kind: ImageKind.Platform)]));
    }

    [TestMethod]
    public void SharedFile_ParallelWriters_WholeLinesNeverInterleaved_HeaderOnce()
    {
        using var temp = new TempDirectory();
        string results = temp.Combine("results.jsonl");
        string summary = temp.Combine("sub/summary.md");
        string line = ResultFormat.JsonLine(Result(changes: Enumerable.Range(1, 400).Select(i => $"wwwroot/a-rather-long-file-name-{i}.js").ToArray()));
        Parallel.For(0, 32, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            SharedFile.Append(results, "ContainerCacheResultsFile", _ => line);
            SharedFile.Append(summary, "GITHUB_STEP_SUMMARY", existing => ResultFormat.SummaryRows(existing, [Result(project: "P" + i)]));
        });

        string[] lines = File.ReadAllLines(results);
        Assert.AreEqual(32, lines.Length);
        Assert.IsTrue(lines.All(l => l + "\n" == line), "Every line whole.");
        string table = File.ReadAllText(summary);
        Assert.AreEqual(1, table.Split('\n').Count(l => l == ResultFormat.SummaryHeader), table);
        Assert.AreEqual(32, table.Split('\n').Count(l => l.StartsWith("| P", StringComparison.Ordinal) && l != ResultFormat.SummaryHeader));
    }

    [TestMethod]
    public void SharedFile_HeldByAnother_WaitsBounded_ThenACodedError()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("out.txt");
        using (new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None))
        {
            var clock = Stopwatch.StartNew();
            ContainerCacheException e = Assert.ThrowsExactly<ContainerCacheException>(() => SharedFile.Append(path, "GITHUB_OUTPUT", _ => "x\n", TimeSpan.FromMilliseconds(300)));
            Assert.AreEqual(DiagnosticCodes.ResultsFileUnwritable, e.Code);
            StringAssert.Contains(e.Message, path);
            StringAssert.Contains(e.Message, "GITHUB_OUTPUT");
            Assert.IsTrue(clock.Elapsed < TimeSpan.FromSeconds(10));
        }

        SharedFile.Append(path, "GITHUB_OUTPUT", _ => "x\n");
        Assert.AreEqual("x\n", File.ReadAllText(path));
    }

    [TestMethod]
    public void SharedFile_ADirectory_IsACodedErrorAtOnce()
    {
        using var temp = new TempDirectory();
        var clock = Stopwatch.StartNew();
        ContainerCacheException e = Assert.ThrowsExactly<ContainerCacheException>(() => SharedFile.Append(temp.Path, "ContainerCacheResultsFile", _ => "x\n"));
        Assert.AreEqual(DiagnosticCodes.ResultsFileUnwritable, e.Code);
        StringAssert.Contains(e.Message, "ContainerCacheResultsFile");
        Assert.IsTrue(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString());
    }
}
