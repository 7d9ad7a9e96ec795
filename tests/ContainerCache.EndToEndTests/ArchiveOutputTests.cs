using System.Formats.Tar;
using System.Text.Json;

namespace ContainerCache.EndToEndTests;

/// <summary><c>ContainerArchiveOutputPath</c>: the image goes to a tarball (OCI layout) instead of a registry.</summary>
[TestClass]
public sealed class ArchiveOutputTests
{
    [TestMethod]
    public async Task Archive_CarriesTheKeyLabelAndTag()
    {
        TestApp app = TestApp.Create("Archive");
        string archive = Path.Combine(app.Directory, "image.tar");
        await app.PublishAsync("-t:PublishContainer", "-p:ContainerArchiveOutputPath=" + archive);

        string key = app.KeyFileKey();
        Dictionary<string, byte[]> files = ReadTar(archive);
        using JsonDocument index = JsonDocument.Parse(files["index.json"]);

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
            keyLabels.Add(config.RootElement.GetProperty("config").GetProperty("Labels").GetProperty("dev.containercache.key").GetString());
        }

        CollectionAssert.Contains(names.Select(n => n[(n.LastIndexOf(':') + 1)..]).ToArray(), key, "The archive names the image by its key tag: " + string.Join(", ", names));
        CollectionAssert.AreEquivalent(Enumerable.Repeat<string?>(key, keyLabels.Count).ToArray(), keyLabels.ToArray());
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
}
