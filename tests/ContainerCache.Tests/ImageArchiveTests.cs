using System.Formats.Tar;
using System.Text;
using ContainerCache.Registry;

namespace ContainerCache.Tests;

[TestClass]
public sealed class ImageArchiveTests
{
    private const string Config = """{"architecture":"amd64","os":"linux","config":{"Labels":{"dev.containercache.key":"0123456789abcdef0123456789abcdef"}}}""";

    [TestMethod]
    [DataRow(TarEntryFormat.Pax)]
    [DataRow(TarEntryFormat.Gnu)]
    [DataRow(TarEntryFormat.Ustar)]
    public void OciLayout_ReadsTheImageItsKeyAndItsNames(TarEntryFormat format)
    {
        using var dir = new TempDirectory();
        string configDigest = Digest(Config);
        string manifest = """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"CONFIG","size":1},"layers":[]}""".Replace("CONFIG", configDigest);
        string manifestDigest = Digest(manifest);
        string index = """{"schemaVersion":2,"manifests":[{"digest":"MANIFEST","annotations":{"io.containerd.image.name":"docker.io/library/app:1","org.opencontainers.image.ref.name":"1"}},{"digest":"MANIFEST","annotations":{"io.containerd.image.name":"docker.io/team/app:2"}}]}""".Replace("MANIFEST", manifestDigest);
        string path = WriteTar(dir.Combine("app.tar.gz"), format,
            ("oci-layout", """{"imageLayoutVersion":"1.0.0"}"""),
            ("blobs/sha256/" + new string('e', 64), new string('x', 3000)),
            ("blobs/sha256/" + configDigest[7..], Config),
            ("blobs/sha256/" + manifestDigest[7..], manifest),
            ("index.json", index));

        ArchivedImage image = ImageArchive.Read(path)!;

        Assert.AreEqual("0123456789abcdef0123456789abcdef", image.Image.Key);
        Assert.AreEqual(manifestDigest, image.Image.Manifest.Digest);
        CollectionAssert.AreEqual(new[] { "app:1", "team/app:2" }, image.Names.ToArray());
    }

    [TestMethod]
    public void DockerArchive_ReadsTheKeyAndRepoTags()
    {
        using var dir = new TempDirectory();
        string path = WriteTar(dir.Combine("app.tar"), TarEntryFormat.Pax,
            ("abc.json", Config),
            ("manifest.json", """[{"Config":"abc.json","RepoTags":["app:latest"],"Layers":[]}]"""));

        ArchivedImage image = ImageArchive.Read(path)!;

        Assert.AreEqual("0123456789abcdef0123456789abcdef", image.Image.Key);
        CollectionAssert.AreEqual(new[] { "app:latest" }, image.Names.ToArray());
    }

    [TestMethod]
    public void NotATar_IsARegistryException()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("app.tar.gz", new string('z', 2000));
        Assert.ThrowsExactly<RegistryException>(() => ImageArchive.Read(path));
    }

    [TestMethod]
    public void ResolvePath_AFolderGetsRepositoryTarGz_LikeTheSdk()
    {
        Assert.AreEqual(Path.GetFullPath("/out/app.tar.gz"), ImageArchive.ResolvePath("/out/", "app"));
        Assert.AreEqual(Path.GetFullPath("/out/images/team/app.tar.gz"), ImageArchive.ResolvePath("/out/images", "team/app"));
        Assert.AreEqual(Path.GetFullPath("/out/image.tar"), ImageArchive.ResolvePath("/out/image.tar", "app"));
    }

    private static string Digest(string text) => RegistryClient.Sha256Digest(Encoding.UTF8.GetBytes(text));

    private static string WriteTar(string path, TarEntryFormat format, params (string Name, string Content)[] entries)
    {
        using var stream = File.Create(path);
        using var writer = new TarWriter(stream, format);
        foreach (var (name, content) in entries)
        {
            TarEntry entry = format switch
            {
                TarEntryFormat.Pax => new PaxTarEntry(TarEntryType.RegularFile, name),
                TarEntryFormat.Gnu => new GnuTarEntry(TarEntryType.RegularFile, name),
                _ => new UstarTarEntry(TarEntryType.RegularFile, name),
            };
            entry.DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content));
            writer.WriteEntry(entry);
        }

        return path;
    }
}
