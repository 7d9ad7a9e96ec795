using ContainerCache.Keys;

namespace ContainerCache.Tests;

[TestClass]
public sealed class KeyChangesTests
{
    private static readonly ContainerSetting[] Settings =
    [
        new("user", "app"),
        new("env:GREETING", "hello"),
        new("ports", "8080/tcp"),
        new("base.digest", "sha256:" + new string('a', 64)),
    ];

    [TestMethod]
    public void NothingChanged_OneLineSaysTheKeyIsUnchanged()
    {
        using var dir = Publish(("app.dll", "1"), ("message.txt", "hi"));
        KeyChanges changes = Compare(dir, Settings, dir, Settings);

        Assert.IsTrue(changes.InputsUnchanged);
        Assert.AreEqual("key unchanged since the last publish.", changes.Summary("the last publish"));
        Assert.AreEqual(0, changes.Lines().Count());
    }

    [TestMethod]
    public void Files_AddedRemovedChanged_ByPath_AndNothingElse()
    {
        using var before = Publish(("app.dll", "1"), ("gone.txt", "x"), ("same.txt", "s"));
        using var after = Publish(("app.dll", "2"), ("new.txt", "n"), ("same.txt", "s"));

        KeyChanges changes = Compare(before, Settings, after, Settings);

        CollectionAssert.AreEqual(new[] { "file changed: app.dll", "file added: new.txt", "file removed: gone.txt" }, changes.Lines().ToArray());
    }

    [TestMethod]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void ExecuteBitOnly_IsAChange()
    {
        using var before = Publish(("run.sh", "echo"));
        using var after = Publish(("run.sh", "echo"));
        File.SetUnixFileMode(after.Combine("run.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        CollectionAssert.AreEqual(new[] { "file changed: run.sh" }, Compare(before, Settings, after, Settings).Lines().ToArray());
    }

    [TestMethod]
    [DataRow("user", "root")]
    [DataRow("env:GREETING", "bonjour")]
    [DataRow("ports", "9090/tcp")]
    public void OneSettingChanged_NamesExactlyThatSetting(string name, string value)
    {
        using var dir = Publish(("app.dll", "1"));
        ContainerSetting[] changed = Settings.Select(s => s.Name == name ? new ContainerSetting(name, value) : s).ToArray();

        KeyChanges changes = Compare(dir, Settings, dir, changed);

        CollectionAssert.AreEqual(new[] { "setting changed: " + name }, changes.Lines().ToArray());
        StringAssert.Contains(changes.Summary("the last publish"), "settings changed (1): " + name);
        Assert.IsFalse(changes.Summary("the last publish").Contains(value), "Values never appear.");
    }

    [TestMethod]
    public void SettingsAddedAndRemoved_ByName()
    {
        using var dir = Publish(("app.dll", "1"));
        ContainerSetting[] after = [.. Settings.Where(s => s.Name != "user"), new ContainerSetting("env:NEW", "v")];

        CollectionAssert.AreEqual(new[] { "setting added: env:NEW", "setting removed: user" }, Compare(dir, Settings, dir, after).Lines().ToArray());
    }

    [TestMethod]
    public void BaseDigestResolvedOnOneSideOnly_IsNotCompared_AndSaidSo()
    {
        using var dir = Publish(("app.dll", "1"));
        ContainerSetting[] byName = Settings.Select(s => s.Name == "base.digest" ? new ContainerSetting("base.digest", "") : s).ToArray();

        ContentKey resolved = ContentKey.Compute(dir.Path, Settings);
        KeyFileContent previous = KeyFile.Read(KeyFile.Serialize(resolved, "r/base:1", "sha256:" + new string('a', 64)));
        KeyChanges changes = KeyChanges.Compare(previous, ContentKey.Compute(dir.Path, byName), baseDigest: "");

        Assert.IsTrue(changes.InputsUnchanged);
        Assert.IsTrue(changes.BaseDigestNotCompared);
        StringAssert.Contains(changes.Summary("the last publish"), "the base image aside");
    }

    [TestMethod]
    public void Summary_NamesTheFirstFewAndCountsTheRest()
    {
        using var before = Publish(Enumerable.Range(0, 8).Select(i => ($"f{i}.txt", "a")).ToArray());
        using var after = Publish(Enumerable.Range(0, 8).Select(i => ($"f{i}.txt", "b")).ToArray());

        string summary = Compare(before, Settings, after, Settings).Summary("the last publish", namesPerKind: 3);

        StringAssert.Contains(summary, "files changed (8): f0.txt, f1.txt, f2.txt, and 5 more");
    }

    [TestMethod]
    public void SettingHashes_AreSaltedWithTheKey_SoEqualValuesHashApartUnderOtherKeys()
    {
        using var one = Publish(("app.dll", "1"));
        using var two = Publish(("app.dll", "2"));
        ContentKey first = ContentKey.Compute(one.Path, Settings);
        ContentKey second = ContentKey.Compute(two.Path, Settings);

        string greeting(ContentKey key) => key.Settings.Single(s => s.Name == "env:GREETING").Hash;
        Assert.AreNotEqual(greeting(first), greeting(second), "The same value hashes differently under another key.");
        Assert.AreEqual(ContentKey.SettingHash(new ContainerSetting("env:GREETING", "hello"), first.Key), greeting(first));
    }

    [TestMethod]
    public void SchemaOneKeyFiles_AreComparedWithTheirUnsaltedHashes()
    {
        using var dir = Publish(("app.dll", "1"));
        ContentKey key = ContentKey.Compute(dir.Path, Settings);
        string legacy = KeyFile.Serialize(key).Replace("\"schemaVersion\": 2", "\"schemaVersion\": 1");
        foreach (KeyedSetting setting in key.Settings)
        {
            legacy = legacy.Replace(setting.Hash, ContentKey.LegacySettingHash(setting.Setting));
        }

        ContainerSetting[] changed = Settings.Select(s => s.Name == "user" ? new ContainerSetting("user", "root") : s).ToArray();
        KeyChanges changes = KeyChanges.Compare(KeyFile.Read(legacy), ContentKey.Compute(dir.Path, changed), Settings[3].Values[0]);

        CollectionAssert.AreEqual(new[] { "setting changed: user" }, changes.Lines().ToArray());
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("[]")]
    [DataRow("{\"schemaVersion\": 9, \"key\": \"k\", \"files\": [], \"settings\": []}")]
    [DataRow("{\"schemaVersion\": 2, \"files\": [], \"settings\": []}")]
    public void Read_NotAKeyFile_IsAFormatException(string text)
    {
        Assert.ThrowsExactly<FormatException>(() => KeyFile.Read(text));
    }

    private static KeyChanges Compare(TempDirectory before, ContainerSetting[] beforeSettings, TempDirectory after, ContainerSetting[] afterSettings)
    {
        string digest = Settings[3].Values[0];
        KeyFileContent previous = KeyFile.Read(KeyFile.Serialize(ContentKey.Compute(before.Path, beforeSettings), "r/base:1", digest));
        return KeyChanges.Compare(previous, ContentKey.Compute(after.Path, afterSettings), digest);
    }

    private static TempDirectory Publish(params (string Path, string Content)[] files)
    {
        var dir = new TempDirectory();
        foreach (var (path, content) in files)
        {
            dir.Write(path, content);
        }

        return dir;
    }
}
