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
    public void MultiPlatformOciLayout_ReadsEachPlatformsImage_UnderTheIndexsNames_NoneWithoutAPlatform()
    {
        using var dir = new TempDirectory();
        string Manifest(string config) => """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"CONFIG","size":1},"layers":[]}""".Replace("CONFIG", Digest(config));
        string armConfig = Config.Replace("amd64", "arm64").Replace("0123456789abcdef", "fedcba9876543210");
        string amd = Manifest(Config), arm = Manifest(armConfig);
        string imageIndex = """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"AMD","platform":{"architecture":"amd64","os":"linux"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"ARM","platform":{"architecture":"arm64","os":"linux"}}]}"""
            .Replace("AMD", Digest(amd)).Replace("ARM", Digest(arm));
        string top = """{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"INDEX","annotations":{"io.containerd.image.name":"docker.io/library/app:latest"}}]}""".Replace("INDEX", Digest(imageIndex));
        string path = WriteTar(dir.Combine("app.tar"), TarEntryFormat.Pax,
            ("blobs/sha256/" + Digest(Config)[7..], Config),
            ("blobs/sha256/" + Digest(armConfig)[7..], armConfig),
            ("blobs/sha256/" + Digest(amd)[7..], amd),
            ("blobs/sha256/" + Digest(arm)[7..], arm),
            ("blobs/sha256/" + Digest(imageIndex)[7..], imageIndex),
            ("index.json", top));

        ArchivedImage amd64 = ImageArchive.Read(path, ("linux", "amd64"))!;
        ArchivedImage arm64 = ImageArchive.Read(path, ("linux", "arm64"))!;
        Assert.AreEqual("0123456789abcdef0123456789abcdef", amd64.Image.Key);
        Assert.AreEqual("fedcba9876543210fedcba9876543210", arm64.Image.Key);
        Assert.AreEqual(Digest(arm), arm64.Image.Manifest.Digest);
        CollectionAssert.AreEqual(new[] { "app:latest" }, arm64.Names.ToArray());
        Assert.IsNull(ImageArchive.WhyNotWhole(path, arm64), "Every blob it names is there and matches.");
        Assert.IsNull(ImageArchive.Read(path, ("linux", "s390x")), "No image for that platform.");
        Assert.IsNull(ImageArchive.Read(path), "An index is not one image.");
    }

    [TestMethod]
    public void DockerArchive_ReadsTheKeyAndRepoTags()
    {
        using var dir = new TempDirectory();
        string path = WriteTar(dir.Combine("app.tar"), TarEntryFormat.Pax,
            (Digest(Config)[7..] + ".json", Config),
            ("manifest.json", """[{"Config":"CONFIG.json","RepoTags":["app:latest"],"Layers":[]}]""".Replace("CONFIG", Digest(Config)[7..])));

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
    public void EveryBlob_IsCheckedAgainstItsDigest()
    {
        using var dir = new TempDirectory();
        const string layer = "the app layer's bytes";
        string Archive(string name, string layerBytes, bool withLayer = true)
        {
            string configDigest = Digest(Config);
            string manifest = """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"digest":"CONFIG"},"layers":[{"digest":"LAYER"}]}"""
                .Replace("CONFIG", configDigest).Replace("LAYER", Digest(layer));
            string index = """{"schemaVersion":2,"manifests":[{"digest":"MANIFEST"}]}""".Replace("MANIFEST", Digest(manifest));
            var entries = new List<(string, string)>
            {
                ("blobs/sha256/" + configDigest[7..], Config),
                ("blobs/sha256/" + Digest(manifest)[7..], manifest),
                ("index.json", index),
            };
            if (withLayer)
            {
                entries.Add(("blobs/sha256/" + Digest(layer)[7..], layerBytes));
            }

            return WriteTar(dir.Combine(name), TarEntryFormat.Pax, entries.ToArray());
        }

        string whole = Archive("whole.tar", layer);
        string corrupt = Archive("corrupt.tar", "the app layer's bytez");
        string lacking = Archive("lacking.tar", layer, withLayer: false);

        Assert.IsNull(ImageArchive.WhyNotWhole(whole, ImageArchive.Read(whole)!));
        StringAssert.Contains(ImageArchive.WhyNotWhole(corrupt, ImageArchive.Read(corrupt)!), "does not match its digest");
        StringAssert.Contains(ImageArchive.WhyNotWhole(lacking, ImageArchive.Read(lacking)!), "lacks blobs/sha256/" + Digest(layer)[7..]);
    }

    [TestMethod]
    public void DockerArchive_EntriesNotNamedByTheirDigest_CannotBeTrusted()
    {
        using var dir = new TempDirectory();
        string path = WriteTar(dir.Combine("app.tar"), TarEntryFormat.Pax,
            ("abc.json", Config),
            ("manifest.json", """[{"Config":"abc.json","RepoTags":["app:latest"],"Layers":[]}]"""));

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
