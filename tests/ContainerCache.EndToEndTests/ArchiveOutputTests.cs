using System.Formats.Tar;
using System.Text.Json;
using ContainerCache.TestRegistry;

namespace ContainerCache.EndToEndTests;

/// <summary><c>ContainerArchiveOutputPath</c>: the image goes to a tarball (OCI layout) instead of a registry.</summary>
/// <remarks>
/// One app and one archive for all the checks, each on the publish that shows it: six publishes, where
/// three tests took eight (a first publish each).
/// </remarks>
[TestClass]
public sealed class ArchiveOutputTests
{
    /// <summary>Prints what the SDK's outputs hold after PublishContainer, as a user's target would read them.</summary>
    private const string ShowOutputs = """
        <Target Name="ShowOutputs" AfterTargets="PublishContainer">
          <Message Importance="high" Text="OUTPUT hit=$(ContainerCacheHit)" />
        </Target>
        """;

    [TestMethod]
    public async Task Archive_CarriesTheKeyLabelAndTag_IsReused_UnlessCorruptedRenamedOrEdited()
    {
        TestApp app = TestApp.Create("Archive");
        app.Customize(ShowOutputs);
        string archive = Path.Combine(app.Directory, "image.tar");
        string[] toArchive = ["-t:PublishContainer", "-p:ContainerArchiveOutputPath=" + archive];
        await app.PublishAsync(toArchive);

        // The archive carries the key as its label and as its tag.
        string key = app.KeyFileKey();
        Dictionary<string, byte[]> files = ReadTar(archive);
        using (JsonDocument index = JsonDocument.Parse(files["index.json"]))
        {
            var names = new List<string>();
            var keyLabels = new List<string?>();
            foreach (JsonElement manifestEntry in index.RootElement.GetProperty("manifests").EnumerateArray())
            {
                if (manifestEntry.TryGetProperty("annotations", out JsonElement annotations)
                    && annotations.TryGetProperty("io.containerd.image.name", out JsonElement name))
                {
                    names.Add(name.GetString()!);
                }

                using JsonDocument manifest = JsonDocument.Parse(Blob(files, manifestEntry.GetProperty("digest").GetString()!));
                using JsonDocument config = JsonDocument.Parse(Blob(files, manifest.RootElement.GetProperty("config").GetProperty("digest").GetString()!));
                keyLabels.Add(config.RootElement.GetProperty("config").GetProperty("Labels").GetProperty(EndToEnd.KeyLabel).GetString());
            }

            CollectionAssert.Contains(names.Select(n => n[(n.LastIndexOf(':') + 1)..]).ToArray(), key, "The archive names the image by its key tag: " + string.Join(", ", names));
            CollectionAssert.AreEquivalent(Enumerable.Repeat<string?>(key, keyLabels.Count).ToArray(), keyLabels.ToArray());
        }

        // The same key and names: a hit, the archive left as it is.
        byte[] written = File.ReadAllBytes(archive);
        DateTime writtenAt = File.GetLastWriteTimeUtc(archive);
        CommandResult same = await app.PublishAsync(toArchive);
        StringAssert.Contains(same.Output, "ContainerCache: hit: the archive");
        StringAssert.Contains(same.Output, "OUTPUT hit=true");
        Assert.AreEqual(writtenAt, File.GetLastWriteTimeUtc(archive), "Left as it is.");
        CollectionAssert.AreEqual(written, File.ReadAllBytes(archive));

        // A corrupted layer: never a hit; the archive is written anew, and whole.
        string corrupted = CorruptTheLargestBlob(archive);
        CommandResult republish = await app.PublishAsync(toArchive);
        StringAssert.Contains(republish.Output, $"ContainerCache: miss: the archive {archive} is out of date: its entry {corrupted} does not match its digest");
        Assert.IsFalse(republish.Output.Contains("ContainerCache: hit"), republish.Output);
        CommandResult again = await app.PublishAsync(toArchive);
        StringAssert.Contains(again.Output, "ContainerCache: hit: the archive", "The archive written anew is whole.");

        // A new name: written again.
        writtenAt = File.GetLastWriteTimeUtc(archive);
        CommandResult newTag = await app.PublishAsync([.. toArchive, "-p:ContainerImageTags=\"latest;2.0\""]);
        StringAssert.Contains(newTag.Output, "does not hold the name");
        Assert.AreNotEqual(writtenAt, File.GetLastWriteTimeUtc(archive), "A new name is written.");

        // An edit: a miss that says which key the archive's image has.
        app.EditProgram("System.Console.WriteLine(\"edited\");");
        CommandResult edited = await app.PublishAsync([.. toArchive, "-p:ContainerImageTags=\"latest;2.0\""]);
        StringAssert.Contains(edited.Output, "ContainerCache: miss: the archive");
        StringAssert.Contains(edited.Output, "its image has the key");
    }

    private static byte[] Blob(Dictionary<string, byte[]> files, string digest) => files["blobs/sha256/" + digest["sha256:".Length..]];

    private static Dictionary<string, byte[]> ReadTar(string path)
    {
        var files = new Dictionary<string, byte[]>();
        using FileStream stream = File.OpenRead(path);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is not null)
            {
                using var copy = new MemoryStream();
                entry.DataStream.CopyTo(copy);
                files[entry.Name.TrimStart('.', '/')] = copy.ToArray();
            }
        }

        return files;
    }

    /// <summary>Flips one byte in the middle of the archive's largest blob (its app or base layer); returns its name.</summary>
    private static string CorruptTheLargestBlob(string archive)
    {
        var entries = new List<(string Name, byte[] Data)>();
        using (FileStream stream = File.OpenRead(archive))
        using (var reader = new TarReader(stream))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                using var data = new MemoryStream();
                entry.DataStream?.CopyTo(data);
                entries.Add((entry.Name, data.ToArray()));
            }
        }

        int largest = entries.FindIndex(e => e.Data.Length == entries.Max(x => x.Data.Length));
        entries[largest].Data[entries[largest].Data.Length / 2] ^= 0xFF;
        using (FileStream stream = File.Create(archive))
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax))
        {
            foreach ((string name, byte[] data) in entries)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
            }
        }

        return entries[largest].Name.TrimStart('.', '/');
    }
}
