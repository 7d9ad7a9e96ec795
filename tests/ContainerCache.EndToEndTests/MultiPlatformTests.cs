using System.Text.Json;
using ContainerCache.TestRegistry;

namespace ContainerCache.EndToEndTests;

/// <summary>
/// Multi-platform publishes (linux-x64 and linux-arm64 over the test registry's two-platform base):
/// each platform image is keyed, stamped and reused on its own; the index is keyed over them.
/// </summary>
[TestClass]
public sealed class MultiPlatformTests
{
    private const string Rids = "linux-x64;linux-arm64";

    private static RegistryReader Reader => EndToEnd.Reader;

    /// <summary>A file only the linux-x64 image ships: changing it changes that platform's image alone.</summary>
    private static TestApp CreateApp(string name) =>
        TestApp.Create(
            name,
            $"<RuntimeIdentifiers>{Rids}</RuntimeIdentifiers><ContainerRuntimeIdentifiers>{Rids}</ContainerRuntimeIdentifiers>",
            items: """<None Include="x64.txt" CopyToPublishDirectory="PreserveNewest" Condition="'$(RuntimeIdentifier)' == 'linux-x64'" />""");

    [TestMethod]
    public async Task Registry_EachPlatformReusedByItsOwnKey_OnlyAChangedPlatformIsBuilt_VerifyChecksEveryPlatform()
    {
        TestApp app = CreateApp("Multi");
        app.WriteFile("x64.txt", "one");
        string host = EndToEnd.Registry.Host;

        // First publish: both platform images built, each with its own key; the index under the index key too.
        // In a GitHub Actions job, with a results file: a line per platform image, then the index's.
        string results = Path.Combine(app.Directory, "results.jsonl");
        string output = Path.Combine(app.Directory, "output");
        CommandResult first = await app.PublishWithEnvironmentAsync(
            new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_OUTPUT"] = output, ["GITHUB_STEP_SUMMARY"] = "", ["GITLAB_CI"] = "" },
            "-t:PublishContainer", "-p:ContainerRegistry=" + host, "-p:ContainerCacheResultsFile=" + results, "-p:ContainerCacheMissTags=built");
        string x64 = app.KeyFileKey("linux-x64");
        string arm64 = app.KeyFileKey("linux-arm64");
        Assert.AreNotEqual(x64, arm64, "Each platform image has its own content, so its own key.");
        Assert.AreEqual(x64, (await Reader.GetLabelsAsync(app.Repository, "latest", "linux/amd64"))[EndToEnd.KeyLabel]);
        Assert.AreEqual(arm64, (await Reader.GetLabelsAsync(app.Repository, "latest", "linux/arm64"))[EndToEnd.KeyLabel]);
        Assert.AreEqual(x64, (await Reader.GetLabelsAsync(app.Repository, x64))[EndToEnd.KeyLabel], "Each platform image is tagged with its key.");
        Assert.AreEqual(arm64, (await Reader.GetLabelsAsync(app.Repository, arm64))[EndToEnd.KeyLabel]);
        (string indexKey, Dictionary<string, string> platformKeys) = IndexOfKeyFile(app);
        CollectionAssert.AreEquivalent(new[] { "linux-x64=" + x64, "linux-arm64=" + arm64 }, platformKeys.Select(p => p.Key + "=" + p.Value).ToArray());
        StringAssert.Contains(first.Output, "ContainerCache: built every platform image");
        string index = (await Reader.GetManifestDigestAsync(app.Repository, "latest"))!;
        Assert.AreEqual(index, await Reader.GetManifestDigestAsync(app.Repository, indexKey), "The index is tagged with the index key.");
        Assert.AreEqual(index, await Reader.GetManifestDigestAsync(app.Repository, "built"), "Miss tags go on what was built.");
        string arm64Image = (await Reader.GetManifestDigestAsync(app.Repository, arm64))!;
        JsonElement[] lines = File.ReadAllLines(results).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        await AssertResultsOfTheFirstPublishAsync(app, lines, File.ReadAllText(output), indexKey);

        // Unchanged: nothing built or uploaded, the same index, under a new tag too.
        int uploads = Uploads(app);
        CommandResult unchanged = await app.PublishContainerAsync("-p:ContainerImageTags=\"latest;2.0\"", "-p:ContainerCacheMissTags=built-again", "-p:ContainerCacheResultsFile=" + results);
        StringAssert.Contains(unchanged.Output, "ContainerCache: hit: every platform image (linux-x64, linux-arm64) is reused; nothing built or uploaded");
        Assert.IsFalse(unchanged.Output.Contains("Pushed image '"), "No platform image was built:\n" + unchanged.Output);
        Assert.AreEqual(uploads, Uploads(app), "No blob was uploaded.");
        Assert.AreEqual(index, await Reader.GetManifestDigestAsync(app.Repository, "latest"), "The same index.");
        Assert.AreEqual(index, await Reader.GetManifestDigestAsync(app.Repository, "2.0"));
        Assert.IsNull(await Reader.GetManifestDigestAsync(app.Repository, "built-again"), "Nothing was built, so no miss tag.");
        Assert.IsNull(await Reader.GetManifestDigestAsync(app.Repository, "built-again-linux-x64"));
        Assert.AreEqual(indexKey, IndexOfKeyFile(app).Key);
        JsonElement[] second = File.ReadAllLines(results).Skip(3).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.AreEqual(3, second.Length, "A line for each platform image and the index, all hits: " + string.Join('\n', second));
        Assert.IsTrue(second.All(l => l.GetProperty("hit").GetBoolean()), string.Join('\n', second));
        CollectionAssert.AreEquivalent(
            lines.Take(2).Select(l => l.GetProperty("image").GetString()).ToArray(),
            second.Take(2).Select(l => l.GetProperty("image").GetString()).ToArray(),
            "The reused platform images, by their digests.");
        Assert.AreEqual("index", second[2].GetProperty("kind").GetString());
        Assert.AreEqual(indexKey, second[2].GetProperty("key").GetString());
        Assert.AreEqual(index, second[2].GetProperty("digest").GetString(), "The same index.");

        // Verify: the index of the current sources passes, platform by platform.
        CommandResult verified = await app.TryPublishAsync("-t:ContainerCacheVerify", $"-p:ContainerCacheVerifyImage={host}/{app.Repository}:latest");
        Assert.AreEqual(0, verified.ExitCode, verified.Output);
        StringAssert.Contains(verified.Output, $"carries the key {x64} of the current sources");
        StringAssert.Contains(verified.Output, $"carries the key {arm64} of the current sources");

        // One platform's files change. Verify, with no publish in between, no longer passes the index of the
        // sources before: each platform is published for its check, not keyed from its last publish.
        app.WriteFile("x64.txt", "two");
        CommandResult edited = await app.TryPublishAsync("-t:ContainerCacheVerify", $"-p:ContainerCacheVerifyImage={host}/{app.Repository}:latest");
        Assert.AreNotEqual(0, edited.ExitCode, edited.Output);
        StringAssert.Contains(edited.Output, "error CONTAINERCACHE1006");
        StringAssert.Contains(edited.Output, "linux/amd64: key " + x64);

        // Published: only the changed platform is built; the other is reused as it was.
        CommandResult changed = await app.PublishContainerAsync();
        string newX64 = app.KeyFileKey("linux-x64");
        Assert.AreNotEqual(x64, newX64);
        Assert.AreEqual(arm64, app.KeyFileKey("linux-arm64"));
        StringAssert.Contains(changed.Output, "ContainerCache: built the platform images linux-x64, reused linux-arm64");
        StringAssert.Contains(changed.Output, $"Pushed image '{app.Repository}:latest-linux-x64");
        Assert.IsFalse(changed.Output.Contains($"Pushed image '{app.Repository}:latest-linux-arm64"), changed.Output);
        using (JsonDocument manifest = await Reader.GetManifestAsync(app.Repository, "latest"))
        {
            string[] digests = manifest.RootElement.GetProperty("manifests").EnumerateArray().Select(m => m.GetProperty("digest").GetString()!).ToArray();
            Assert.AreEqual(2, digests.Length);
            CollectionAssert.Contains(digests, arm64Image, "The reused platform is listed by its existing manifest.");
        }

        Assert.AreEqual(newX64, (await Reader.GetLabelsAsync(app.Repository, "latest", "linux/amd64"))[EndToEnd.KeyLabel]);
        (string newIndexKey, _) = IndexOfKeyFile(app);
        Assert.AreNotEqual(indexKey, newIndexKey);

        // The old index no longer verifies: its linux-x64 image carries the old key.
        CommandResult stale = await app.TryPublishAsync("-t:ContainerCacheVerify", $"-p:ContainerCacheVerifyImage={host}/{app.Repository}:{indexKey}");
        Assert.AreNotEqual(0, stale.ExitCode);
        StringAssert.Contains(stale.Output, "error CONTAINERCACHE1006");
        StringAssert.Contains(stale.Output, "linux/amd64: key " + x64);
        CommandResult fresh = await app.TryPublishAsync("-t:ContainerCacheVerify", $"-p:ContainerCacheVerifyImage={host}/{app.Repository}:{newIndexKey}");
        Assert.AreEqual(0, fresh.ExitCode, fresh.Output);
    }

    /// <summary>
    /// The results file's lines (docs/ci/results.md) and the job's outputs after a multi-platform publish that built
    /// every platform image: a platform line per image, then the index's, pinned by the digest the registry serves.
    /// </summary>
    private static async Task AssertResultsOfTheFirstPublishAsync(TestApp app, JsonElement[] lines, string outputs, string indexKey)
    {
        Assert.AreEqual(3, lines.Length, string.Join('\n', lines));
        CollectionAssert.AreEquivalent(new[] { "linux-x64", "linux-arm64" }, lines.Take(2).Select(l => l.GetProperty("runtimeIdentifier").GetString()).ToArray());
        foreach (JsonElement platform in lines.Take(2))
        {
            string rid = platform.GetProperty("runtimeIdentifier").GetString()!;
            Assert.AreEqual("platform", platform.GetProperty("kind").GetString());
            Assert.AreEqual(app.KeyFileKey(rid), platform.GetProperty("key").GetString());
            string digest = platform.GetProperty("digest").GetString()!;
            Assert.AreEqual(app.KeyFileKey(rid), (await Reader.GetLabelsAsync(app.Repository, digest))[EndToEnd.KeyLabel]);
            CollectionAssert.Contains(platform.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ToArray(), "latest-" + rid);
        }

        JsonElement index = lines[2];
        Assert.AreEqual("index", index.GetProperty("kind").GetString());
        Assert.AreEqual("", index.GetProperty("runtimeIdentifier").GetString());
        string indexDigest = index.GetProperty("digest").GetString()!;
        Assert.AreEqual(await Reader.GetManifestDigestAsync(app.Repository, "latest"), indexDigest, "The digest the registry serves for the index.");
        Assert.AreEqual($"{EndToEnd.Registry.Host}/{app.Repository}@{indexDigest}", index.GetProperty("image").GetString());
        Assert.AreEqual(indexKey, index.GetProperty("key").GetString(), "The index's line carries the index key.");
        Assert.IsFalse(index.GetProperty("hit").GetBoolean());

        StringAssert.Contains(outputs, "multi-linux-arm64-key=" + app.KeyFileKey("linux-arm64"));
        StringAssert.Contains(outputs, $"multi-image={EndToEnd.Registry.Host}/{app.Repository}@{indexDigest}\n");
        StringAssert.EndsWith(outputs, $"image-count=1\nkey={indexKey}\nhit=false\nimage={EndToEnd.Registry.Host}/{app.Repository}@{indexDigest}\ndigest={indexDigest}\n");
    }

    [TestMethod]
    public async Task Archive_HoldingEveryPlatformsImageWithItsKey_IsLeftAsItIs_OneChangedPlatformRewritesIt()
    {
        TestApp app = CreateApp("MultiArchive");
        app.WriteFile("x64.txt", "one");
        string archive = Path.Combine(app.Directory, "image.tar");
        await app.PublishAsync("-t:PublishContainer", "-p:ContainerArchiveOutputPath=" + archive);
        string x64 = app.KeyFileKey("linux-x64");
        string arm64 = app.KeyFileKey("linux-arm64");
        CollectionAssert.AreEquivalent(new[] { "linux/amd64=" + x64, "linux/arm64=" + arm64 }, ArchivedKeys(archive));
        byte[] written = File.ReadAllBytes(archive);
        DateTime writtenAt = File.GetLastWriteTimeUtc(archive);

        CommandResult unchanged = await app.PublishAsync("-t:PublishContainer", "-p:ContainerArchiveOutputPath=" + archive);
        StringAssert.Contains(unchanged.Output, "ContainerCache: hit: the archive " + archive + " already holds every platform image (linux-x64, linux-arm64) with its key; left as it is, nothing built.");
        Assert.IsFalse(unchanged.Output.Contains("Pushed image"), unchanged.Output);
        CollectionAssert.AreEqual(written, File.ReadAllBytes(archive), "Not rewritten.");
        Assert.AreEqual(writtenAt, File.GetLastWriteTimeUtc(archive));

        app.WriteFile("x64.txt", "two");
        CommandResult changed = await app.PublishAsync("-t:PublishContainer", "-p:ContainerArchiveOutputPath=" + archive);
        StringAssert.Contains(changed.Output, "lacks the current image of linux-x64; every platform image is built and the archive written anew.");
        string newX64 = app.KeyFileKey("linux-x64");
        Assert.AreNotEqual(x64, newX64);
        CollectionAssert.AreEquivalent(new[] { "linux/amd64=" + newX64, "linux/arm64=" + arm64 }, ArchivedKeys(archive), "Every platform image stamped with its key.");
    }

    /// <summary>The platform images of the archive's one image index, as os/architecture=key label.</summary>
    private static string[] ArchivedKeys(string archive)
    {
        var files = new Dictionary<string, byte[]>();
        using (FileStream stream = File.OpenRead(archive))
        {
            Stream tar = stream;
            if (stream.ReadByte() == 0x1f)
            {
                stream.Position = 0;
                tar = new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Decompress);
            }
            else
            {
                stream.Position = 0;
            }

            using var reader = new System.Formats.Tar.TarReader(tar);
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.DataStream is not null)
                {
                    using var copy = new MemoryStream();
                    entry.DataStream.CopyTo(copy);
                    files[entry.Name.TrimStart('.', '/')] = copy.ToArray();
                }
            }
        }

        JsonElement Blob(string digest) => JsonDocument.Parse(files["blobs/sha256/" + digest["sha256:".Length..]]).RootElement;
        JsonElement index = Blob(JsonDocument.Parse(files["index.json"]).RootElement.GetProperty("manifests").EnumerateArray().Single().GetProperty("digest").GetString()!);
        return index.GetProperty("manifests").EnumerateArray()
            .Select(m =>
            {
                JsonElement config = Blob(Blob(m.GetProperty("digest").GetString()!).GetProperty("config").GetProperty("digest").GetString()!);
                return config.GetProperty("os").GetString() + "/" + config.GetProperty("architecture").GetString() + "=" + config.GetProperty("config").GetProperty("Labels").GetProperty(EndToEnd.KeyLabel).GetString();
            })
            .ToArray();
    }

    /// <summary>The outer build's key file: the index key and the platforms' keys it was derived from.</summary>
    internal static (string Key, Dictionary<string, string> Platforms) IndexOfKeyFile(TestApp app)
    {
        using JsonDocument keyFile = JsonDocument.Parse(File.ReadAllText(Path.Combine(app.PublishDirectory(), "container-cache.json")));
        JsonElement index = keyFile.RootElement.GetProperty("index");
        return (
            index.GetProperty("key").GetString()!,
            index.GetProperty("platforms").EnumerateArray().ToDictionary(p => p.GetProperty("runtimeIdentifier").GetString()!, p => p.GetProperty("key").GetString()!));
    }

    private static int Uploads(TestApp app) =>
        EndToEnd.Registry.CountRequests("POST", $"/v2/{app.Repository}/blobs/uploads/")
        + EndToEnd.Registry.CountRequests("PUT", $"/v2/{app.Repository}/blobs/uploads/")
        + EndToEnd.Registry.CountRequests("PATCH", $"/v2/{app.Repository}/blobs/uploads/");
}
