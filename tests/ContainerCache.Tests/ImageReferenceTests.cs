using ContainerCache.Registry;

namespace ContainerCache.Tests;

[TestClass]
public sealed class ImageReferenceTests
{
    [TestMethod]
    [DataRow("localhost:5000/app:1.0", "localhost:5000", "app", "1.0", null)]
    [DataRow("127.0.0.1:5000/team/app", "127.0.0.1:5000", "team/app", null, null)]
    [DataRow("ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "ghcr.io", "org/app", null, "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [DataRow("nginx:latest", "docker.io", "library/nginx", "latest", null)]
    [DataRow("someone/app:v2", "docker.io", "someone/app", "v2", null)]
    [DataRow("localhost/app:x", "localhost", "app", "x", null)]
    public void Parses_LikeDockerAndTheSdk(string text, string registry, string repository, string? tag, string? digest)
    {
        ImageReference reference = ImageReference.Parse(text);
        Assert.AreEqual(registry, reference.Registry);
        Assert.AreEqual(repository, reference.Repository);
        Assert.AreEqual(tag, reference.Tag);
        Assert.AreEqual(digest, reference.Digest);
    }

    [TestMethod]
    public void Reference_IsTheDigestFirst_ThenTheTag_ThenLatest()
    {
        Assert.AreEqual("latest", ImageReference.Parse("r.io/app").Reference);
        Assert.AreEqual("1", ImageReference.Parse("r.io/app:1").Reference);
        string digest = "sha256:" + new string('a', 64);
        Assert.AreEqual(digest, ImageReference.Parse("r.io/app:1@" + digest).Reference);
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("r.io/App:1")]
    [DataRow("r.io/app:bad tag")]
    [DataRow("r.io/app@sha256:short")]
    [DataRow("r.io/")]
    [DataRow("localhost:99999/app:1")]
    [DataRow("localhost:0/app")]
    [DataRow("local host/app")]
    [DataRow("r.io/my app")]
    [DataRow("r.io/app//x")]
    [DataRow("r.io/a__-b")]
    public void Malformed_IsAFormatExceptionNamingTheText(string text)
    {
        var e = Assert.ThrowsExactly<FormatException>(() => ImageReference.Parse(text));
        StringAssert.Contains(e.Message, "'" + text + "'");
    }

    [TestMethod]
    [DataRow("localhost")]
    [DataRow("localhost:1")]
    [DataRow("localhost:65535")]
    [DataRow("127.0.0.1:5000")]
    [DataRow("[::1]:5000")]
    [DataRow("[::1]")]
    [DataRow("my-registry.example.com")]
    [DataRow("docker.io")]
    public void RegistryNames_DockerReads_AreAccepted(string registry)
    {
        Assert.IsNull(ImageReference.RegistryError(registry));
    }

    [TestMethod]
    [DataRow("", "'' is not a host name")]
    [DataRow("localhost:0", "the port '0'")]
    [DataRow("localhost:65536", "the port '65536'")]
    [DataRow("localhost:99999", "the port '99999'")]
    [DataRow("localhost:0x50", "the port '0x50'")]
    [DataRow("localhost:", "the port ''")]
    [DataRow("local host", "'local host' is not a host name")]
    [DataRow("-r.example", "is not a host name")]
    [DataRow("r..example", "is not a host name")]
    [DataRow("[::1", "is not a host name")]
    [DataRow("[not-ipv6]:5000", "is not a host name")]
    [DataRow("r.example/x", "is not a host name")]
    public void RegistryNames_ThatAreNoHostAndPort_SayWhy(string registry, string expected)
    {
        StringAssert.Contains(ImageReference.RegistryError(registry), expected);
        Assert.ThrowsExactly<ArgumentException>(() => new Registry.RegistryClient(registry));
    }
}
