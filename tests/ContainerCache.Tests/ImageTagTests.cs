using ContainerCache.Keys;

namespace ContainerCache.Tests;

[TestClass]
public sealed class ImageTagTests
{
    [TestMethod]
    [DataRow("0123456789abcdef0123456789abcdef")]
    [DataRow("cache-0123")]
    [DataRow("_x.Y-z")]
    public void Valid(string tag) => Assert.IsTrue(ImageTag.IsValid(tag));

    [TestMethod]
    [DataRow("")]
    [DataRow("-leading-dash")]
    [DataRow(".leading-dot")]
    [DataRow("has space")]
    [DataRow("has:colon")]
    [DataRow("has/slash")]
    public void Invalid(string tag) => Assert.IsFalse(ImageTag.IsValid(tag));

    [TestMethod]
    public void AtMost128Characters()
    {
        Assert.IsTrue(ImageTag.IsValid(new string('a', 128)));
        Assert.IsFalse(ImageTag.IsValid(new string('a', 129)));
    }
}
