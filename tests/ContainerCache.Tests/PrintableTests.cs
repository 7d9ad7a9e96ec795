using ContainerCache.Diagnostics;

namespace ContainerCache.Tests;

[TestClass]
public sealed class PrintableTests
{
    [TestMethod]
    public void OrdinaryText_IsLeftAsItIs()
    {
        const string path = "/home/u/app/bin/Release/net10.0/publish/wwwroot/é ü 日本/C:\\x.dll";
        Assert.AreSame(path, Printable.Of(path));
        Assert.AreEqual("", Printable.Of(null));
    }

    [TestMethod]
    [DataRow("a\nb", "a\\nb")]
    [DataRow("a\r\nb", "a\\r\\nb")]
    [DataRow("a\tb", "a\\tb")]
    [DataRow("a\u0000b\u001Bc", "a\\u0000b\\u001Bc")]
    [DataRow("a\u007Fb", "a\\u007Fb")]
    [DataRow("a\u0085b\u009Bc", "a\\u0085b\\u009Bc")]
    [DataRow("a\u2028b\u2029c", "a\\u2028b\\u2029c")]
    [DataRow("evil\u202Egnp.exe", "evil\\u202Egnp.exe")]
    [DataRow("\u2066x\u2069\u200E\u200F\u061C", "\\u2066x\\u2069\\u200E\\u200F\\u061C")]
    public void ControlAndBidiCharacters_AreEscaped(string text, string expected)
    {
        Assert.AreEqual(expected, Printable.Of(text));
        Assert.AreEqual(expected, Printable.Of(Printable.Of(text)), "Escaping twice changes nothing.");
    }
}
