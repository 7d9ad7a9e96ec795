using ContainerCache.Diagnostics;
using ContainerCache.Keys;
using ContainerCache.PublishOutput;

namespace ContainerCache.Tests;

[TestClass]
public sealed class ContentKeyTests
{
    private static readonly ContainerSetting[] NoSettings = [];

    /// <summary>A small publish directory with a file, a nested file, a hidden file and an empty directory.</summary>
    private static TempDirectory SamplePublishDirectory()
    {
        var dir = new TempDirectory();
        dir.Write("app.dll", "app bytes");
        dir.Write("wwwroot/css/site.css", "body{}");
        dir.Write(".hidden", "hidden");
        Directory.CreateDirectory(dir.Combine("empty"));
        return dir;
    }

    private static string KeyOf(string directory, params ContainerSetting[] settings) =>
        ContentKey.Compute(directory, settings).Key;

    // Golden keys, computed independently of this code: the documented encoding built byte by byte
    // in Python and hashed with xxh128sum. They change only with the encoding, and then
    // ContentKey.FormatVersion must change too.
    [TestMethod]
    public void GoldenKey_EmptyDirectoryNoSettings()
    {
        using var dir = new TempDirectory();
        Assert.AreEqual("0a7703b5b472bbb8218562d4ea02fe1b", KeyOf(dir.Path));
    }

    [TestMethod]
    public void GoldenKey_SampleDirectoryAndSettings()
    {
        using var dir = SamplePublishDirectory();
        string key = KeyOf(dir.Path, new ContainerSetting("entrypoint", ["dotnet", "app.dll"]), new ContainerSetting("env:A", "1"));
        Assert.AreEqual("3370d45809fd7ab2bba4ec2d2aeafa9e", key);
    }

    [TestMethod]
    public void Key_Is32LowercaseHex()
    {
        using var dir = SamplePublishDirectory();
        StringAssert.Matches(KeyOf(dir.Path), new System.Text.RegularExpressions.Regex("^[0-9a-f]{32}$"));
    }

    [TestMethod]
    public void SameContentInAnotherDirectory_SameKey()
    {
        using var a = SamplePublishDirectory();
        using var b = new TempDirectory();
        string deeper = Path.Combine(b.Path, "x", "y", "publish");
        CopyDirectory(a.Path, deeper);
        Assert.AreEqual(KeyOf(a.Path), KeyOf(deeper));
    }

    [TestMethod]
    public void TouchingEveryFile_SameKey()
    {
        using var dir = SamplePublishDirectory();
        string before = KeyOf(dir.Path);
        foreach (string file in Directory.EnumerateFiles(dir.Path, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddDays(-3));
        }

        Assert.AreEqual(before, KeyOf(dir.Path));
    }

    [TestMethod]
    [DataRow("edit")]
    [DataRow("add-empty-file")]
    [DataRow("add-empty-directory")]
    [DataRow("remove")]
    [DataRow("rename")]
    [DataRow("hidden-edit")]
    public void AnyChangeToTheLayer_NewKey(string change)
    {
        using var dir = SamplePublishDirectory();
        string before = KeyOf(dir.Path);
        switch (change)
        {
            case "edit": dir.Write("app.dll", "app bytes!"); break;
            case "add-empty-file": dir.Write("new.txt", ""); break;
            case "add-empty-directory": Directory.CreateDirectory(dir.Combine("wwwroot/new")); break;
            case "remove": File.Delete(dir.Combine("wwwroot/css/site.css")); break;
            case "rename": File.Move(dir.Combine("app.dll"), dir.Combine("app2.dll")); break;
            case "hidden-edit": dir.Write(".hidden", "changed"); break;
        }

        Assert.AreNotEqual(before, KeyOf(dir.Path));
    }

    [TestMethod]
    public void FileMovedIntoSubdirectory_NewKey()
    {
        using var dir = new TempDirectory();
        dir.Write("a/b", "x");
        string before = KeyOf(dir.Path);
        Directory.Delete(dir.Combine("a"), recursive: true);
        dir.Write("a.b", "x");
        Assert.AreNotEqual(before, KeyOf(dir.Path));
    }

    [TestMethod]
    public void ExecutableBit_IsPartOfTheKey()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("No executable bit on Windows.");
            return;
        }

        using var dir = SamplePublishDirectory();
        string before = KeyOf(dir.Path);
        File.SetUnixFileMode(dir.Combine("app.dll"), File.GetUnixFileMode(dir.Combine("app.dll")) | UnixFileMode.UserExecute);
        Assert.AreNotEqual(before, KeyOf(dir.Path));
    }

    [TestMethod]
    public void ExcludedFile_IsNotPartOfTheKey()
    {
        using var dir = SamplePublishDirectory();
        string keyFile = dir.Combine("container-cache.json");
        string before = ContentKey.Compute(dir.Path, NoSettings, keyFile).Key;
        File.WriteAllText(keyFile, "anything");
        Assert.AreEqual(before, ContentKey.Compute(dir.Path, NoSettings, keyFile).Key);
        Assert.AreNotEqual(before, KeyOf(dir.Path), "Without the exclusion the same file counts.");
    }

    [TestMethod]
    public void SettingOrder_DoesNotMatter_ValueOrderDoes()
    {
        using var dir = new TempDirectory();
        var a = new ContainerSetting("a", "1");
        var b = new ContainerSetting("b", ["x", "y"]);
        Assert.AreEqual(KeyOf(dir.Path, a, b), KeyOf(dir.Path, b, a));
        Assert.AreNotEqual(KeyOf(dir.Path, a, b), KeyOf(dir.Path, a, new ContainerSetting("b", ["y", "x"])));
    }

    [TestMethod]
    public void FieldsAreLengthPrefixed_NoTwoInputsShareAnEncoding()
    {
        using var dir = new TempDirectory();
        Assert.AreNotEqual(
            KeyOf(dir.Path, new ContainerSetting("args", ["ab", "c"])),
            KeyOf(dir.Path, new ContainerSetting("args", ["a", "bc"])));
        Assert.AreNotEqual(
            KeyOf(dir.Path, new ContainerSetting("ab", "c")),
            KeyOf(dir.Path, new ContainerSetting("a", "bc")));
        Assert.AreNotEqual(
            KeyOf(dir.Path, new ContainerSetting("args", [])),
            KeyOf(dir.Path, new ContainerSetting("args", [""])));
    }

    [TestMethod]
    public void LinkToFile_IsKeyedByItsTargetsBytes()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Symbolic links need privileges on Windows.");
            return;
        }

        using var outside = new TempDirectory();
        string target = outside.Write("target.txt", "v1");
        using var dir = new TempDirectory();
        File.CreateSymbolicLink(dir.Combine("link.txt"), target);

        ContentKey key = ContentKey.Compute(dir.Path, NoSettings);
        Assert.AreEqual(EntryKind.FileLink, key.Entries.Single().Kind);
        Assert.AreEqual(2, key.Entries.Single().Size);

        File.WriteAllText(target, "v2");
        Assert.AreNotEqual(key.Key, KeyOf(dir.Path));
    }

    [TestMethod]
    public void LinkToDirectory_IsNotDescended_LikeTheSdk()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Symbolic links need privileges on Windows.");
            return;
        }

        using var outside = new TempDirectory();
        outside.Write("inner.txt", "x");
        using var dir = new TempDirectory();
        Directory.CreateSymbolicLink(dir.Combine("linked"), outside.Path);

        ContentKey key = ContentKey.Compute(dir.Path, NoSettings);
        Assert.AreEqual(1, key.Entries.Count);
        Assert.AreEqual(EntryKind.DirectoryLink, key.Entries[0].Kind);
    }

    [TestMethod]
    public void Manifest_ListsEntriesSortedWithRelativeSlashPaths()
    {
        using var dir = SamplePublishDirectory();
        ContentKey key = ContentKey.Compute(dir.Path, NoSettings);
        CollectionAssert.AreEqual(
            new[] { ".hidden", "app.dll", "empty", "wwwroot", "wwwroot/css", "wwwroot/css/site.css" },
            key.Entries.Select(e => e.Path).ToArray());
        Assert.AreEqual(3, key.FileCount);
        Assert.AreEqual("app bytes".Length + "body{}".Length + "hidden".Length, key.TotalBytes);
    }

    [TestMethod]
    public void MissingPublishDirectory_IsCodedError()
    {
        var e = Assert.ThrowsExactly<ContainerCacheException>(() => KeyOf("/nonexistent/publish"));
        Assert.AreEqual("CONTAINERCACHE1001", e.Code);
        StringAssert.Contains(e.Message, "/nonexistent/publish");
    }

    [TestMethod]
    public void UnreadableFile_IsCodedErrorNamingTheFile()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Uses a dangling symbolic link.");
            return;
        }

        using var dir = SamplePublishDirectory();
        File.CreateSymbolicLink(dir.Combine("dangling.dll"), dir.Combine("gone.dll"));
        var e = Assert.ThrowsExactly<ContainerCacheException>(() => KeyOf(dir.Path));
        Assert.AreEqual("CONTAINERCACHE1002", e.Code);
        StringAssert.Contains(e.Message, "dangling.dll");
        StringAssert.Contains(e.Message, "is a link to '" + dir.Combine("gone.dll") + "', which does not exist");
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
