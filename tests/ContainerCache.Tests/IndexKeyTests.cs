using System.Text.Json;
using ContainerCache.Diagnostics;
using ContainerCache.Keys;

namespace ContainerCache.Tests;

[TestClass]
public sealed class IndexKeyTests
{
    private const string X64 = "0f5bade4343a98beae9a557a4414b516";
    private const string Arm64 = "9438fb17138d2fdf015aa7dfdefdf5ee";

    private static KeyValuePair<string, string> Platform(string rid, string key) => new(rid, key);

    /// <summary>Computed from docs/key-format.md by an independent encoder (Python) and xxh128sum.</summary>
    [TestMethod]
    public void Compute_MatchesTheGoldenKey_WhateverTheOrderOfThePlatforms()
    {
        const string golden = "0b39dc133d502dec78162e3681c6c22a";
        Assert.AreEqual(golden, IndexKey.Compute([Platform("linux-x64", X64), Platform("linux-arm64", Arm64)]));
        Assert.AreEqual(golden, IndexKey.Compute([Platform("linux-arm64", Arm64), Platform("linux-x64", X64)]));
    }

    [TestMethod]
    public void Compute_ChangesWithAnyPlatformsKey_AndWithThePlatformsThemselves()
    {
        string key = IndexKey.Compute([Platform("linux-x64", X64), Platform("linux-arm64", Arm64)]);
        Assert.AreNotEqual(key, IndexKey.Compute([Platform("linux-x64", Arm64), Platform("linux-arm64", X64)]), "Swapped keys.");
        Assert.AreNotEqual(key, IndexKey.Compute([Platform("linux-x64", X64)]), "A platform less.");
        Assert.AreNotEqual(key, IndexKey.Compute([Platform("linux-x64", X64), Platform("linux-arm64", Arm64), Platform("linux-arm", Arm64)]), "A platform more.");
        Assert.AreNotEqual(X64, IndexKey.Compute([Platform("linux-x64", X64)]), "Never a platform's own key: an index and an image are different things.");
    }

    [TestMethod]
    public void Compute_RejectsNoPlatform_ARidTwice_AndAKeyThatIsNotAKey()
    {
        Assert.ThrowsExactly<ArgumentException>(() => IndexKey.Compute([]));
        Assert.ThrowsExactly<ArgumentException>(() => IndexKey.Compute([Platform("linux-x64", X64), Platform("linux-x64", Arm64)]));
        Assert.ThrowsExactly<ArgumentException>(() => IndexKey.Compute([Platform("linux-x64", "")]));
        Assert.ThrowsExactly<ArgumentException>(() => IndexKey.Compute([Platform("linux-x64", X64.ToUpperInvariant())]));
    }

    [TestMethod]
    public void KeyFileWithIndex_AddsTheIndexLast_ReplacesAnEarlierOne_AndStaysValidJson()
    {
        using var dir = new TempDirectory();
        dir.Write("app.dll", "x");
        string keyFile = KeyFile.Serialize(ContentKey.Compute(dir.Path, []));

        string first = KeyFile.WithIndex(keyFile, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "cache-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", [Platform("linux-x64", X64), Platform("linux-arm64", Arm64)]).ToString();
        using (JsonDocument doc = JsonDocument.Parse(first))
        {
            JsonElement index = doc.RootElement.GetProperty("index");
            Assert.AreEqual("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", index.GetProperty("key").GetString());
            Assert.AreEqual(1, index.GetProperty("keyFormatVersion").GetInt32());
            Assert.AreEqual("cache-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", index.GetProperty("tag").GetString());
            CollectionAssert.AreEqual(
                new[] { "linux-arm64=" + Arm64, "linux-x64=" + X64 },
                index.GetProperty("platforms").EnumerateArray().Select(p => p.GetProperty("runtimeIdentifier").GetString() + "=" + p.GetProperty("key").GetString()).ToArray());
            Assert.AreEqual(KeyFile.Read(keyFile).Key, KeyFile.Read(first).Key, "Still a key file, read as before.");
        }

        string second = KeyFile.WithIndex(first, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", [Platform("linux-x64", X64)]).ToString();
        Assert.AreEqual(KeyFile.WithIndex(keyFile, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", [Platform("linux-x64", X64)]).ToString(), second, "One index, the last.");
        Assert.AreEqual(first, KeyFile.WithIndex(first, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "cache-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", [Platform("linux-arm64", Arm64), Platform("linux-x64", X64)]).ToString(), "The same index, the same bytes.");

        Assert.AreEqual(DiagnosticCodes.NotAKeyFile, Assert.ThrowsExactly<ContainerCacheException>(() => KeyFile.WithIndex("{}", "a", "a", [])).Code);
    }
}
