using ContainerCache.Diagnostics;
using ContainerCache.Keys;
using ContainerCache.PublishOutput;
using ContainerCache.Tasks;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ContainerCache.Tests;

/// <summary>
/// Files in the publish directory that the publish did not produce: found by the publish's
/// destinations and by when they were written, and deleted only inside the publish directory.
/// </summary>
[TestClass]
public sealed class StaleFilesTests
{
    // Every file of a test was written before a build that starts in an hour, and after one that started an hour ago.
    private static readonly DateTime Later = DateTime.UtcNow.AddHours(1);
    private static readonly DateTime Earlier = DateTime.UtcNow.AddHours(-1);

    [TestMethod]
    public void FileNotProducedAndWrittenBeforeTheBuild_IsStale()
    {
        using var dir = new TempDirectory();
        string app = dir.Write("app.dll", "app");
        dir.Write("wwwroot/_framework/app.old1234.wasm", "old");

        Assert.AreEqual("wwwroot/_framework/app.old1234.wasm", string.Join(",", Stale(dir, [app], Later)));
    }

    [TestMethod]
    public void FileWrittenDuringTheBuild_IsNotStale()
    {
        // A user's target that writes into the publish directory: in no publish item, but written by this build.
        using var dir = new TempDirectory();
        dir.Write("NOTICE.txt", "notice");

        Assert.AreEqual(0, Stale(dir, [], Earlier).Count);
    }

    [TestMethod]
    public void ProducedPaths_AreMatchedWhateverTheirSeparatorsOrDotSegments()
    {
        using var dir = new TempDirectory();
        dir.Write("wwwroot/_framework/app.wasm", "a");
        dir.Write("wwwroot/index.html", "b");
        dir.Write("sub/c.txt", "c");
        string[] produced =
        [
            dir.Path + "/wwwroot\\_framework\\app.wasm",
            dir.Path + "/sub/../wwwroot/./index.html",
            dir.Combine("sub/c.txt"),
        ];

        Assert.AreEqual(0, Stale(dir, produced, Later).Count);
    }

    [TestMethod]
    public void ProducedPathsOutsideThePublishDirectory_AreIgnored()
    {
        using var dir = new TempDirectory();
        string publish = dir.Combine("publish");
        dir.Write("publish/a.txt", "a");
        dir.Write("publish-other/a.txt", "a");
        string[] produced = [dir.Combine("publish-other/a.txt"), dir.Combine("obj/a.txt"), dir.Combine("publish")];

        IReadOnlyList<LayerEntry> entries = PublishDirectory.Enumerate(publish);
        Assert.AreEqual("a.txt", string.Join(",", StaleFiles.Find(entries, publish, produced, Later).Select(e => e.RelativePath)));
    }

    [TestMethod]
    public void DirectoriesAndTheExcludedKeyFile_AreNeverStale()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("empty"));
        string keyFile = dir.Write("container-cache.json", "{}");

        IReadOnlyList<LayerEntry> entries = PublishDirectory.Enumerate(dir.Path, excludedFile: keyFile);
        Assert.AreEqual(0, StaleFiles.Find(entries, dir.Path, [], Later).Count);
    }

    [TestMethod]
    public void Prune_DeletesOnlyTheStaleFiles_AndTheDirectoriesTheyLeftEmpty()
    {
        using var dir = new TempDirectory();
        string app = dir.Write("app.dll", "app");
        string wasm = dir.Write("wwwroot/_framework/app.new.wasm", "new");
        dir.Write("wwwroot/_framework/app.old.wasm", "old");
        dir.Write("wwwroot/_framework/app.old.wasm.br", "old");
        dir.Write("old/only/stale.txt", "old");
        Directory.CreateDirectory(dir.Combine("was-empty"));

        IReadOnlyList<LayerEntry> stale = StaleFiles.Find(PublishDirectory.Enumerate(dir.Path), dir.Path, [app, wasm], Later);
        var (deleted, failed) = StaleFiles.Prune(dir.Path, stale);

        CollectionAssert.AreEqual(new[] { "old/only/stale.txt", "wwwroot/_framework/app.old.wasm", "wwwroot/_framework/app.old.wasm.br" }, deleted.ToArray());
        Assert.AreEqual(0, failed.Count);
        CollectionAssert.AreEqual(
            new[] { "app.dll", "was-empty", "wwwroot", "wwwroot/_framework", "wwwroot/_framework/app.new.wasm" },
            PublishDirectory.Enumerate(dir.Path).Select(e => e.RelativePath).ToArray(),
            "The publish directory keeps what was produced, and the empty directory it already had.");
        Assert.IsTrue(Directory.Exists(dir.Path));
    }

    [TestMethod]
    public void Prune_DeletesALinkToAFileOutside_NeverItsTarget()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Creating links needs privileges on Windows.");
        }

        using var dir = new TempDirectory();
        string publish = dir.Combine("publish");
        string outside = dir.Write("outside/keep.txt", "keep");
        Directory.CreateDirectory(publish);
        File.CreateSymbolicLink(Path.Combine(publish, "link.txt"), outside);

        IReadOnlyList<LayerEntry> stale = StaleFiles.Find(PublishDirectory.Enumerate(publish), publish, [], Later);
        var (deleted, _) = StaleFiles.Prune(publish, stale);

        CollectionAssert.AreEqual(new[] { "link.txt" }, deleted.ToArray());
        Assert.IsFalse(File.Exists(Path.Combine(publish, "link.txt")));
        Assert.AreEqual("keep", File.ReadAllText(outside));
    }

    [TestMethod]
    public void Prune_DoesNotDescendIntoALinkedDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Creating links needs privileges on Windows.");
        }

        using var dir = new TempDirectory();
        string publish = dir.Combine("publish");
        string outside = dir.Write("outside/keep.txt", "keep");
        Directory.CreateDirectory(publish);
        Directory.CreateSymbolicLink(Path.Combine(publish, "linked"), dir.Combine("outside"));

        IReadOnlyList<LayerEntry> stale = StaleFiles.Find(PublishDirectory.Enumerate(publish), publish, [], Later);
        StaleFiles.Prune(publish, stale);

        Assert.AreEqual(0, stale.Count, "A link to a directory is layered as an empty directory, and is not a stale file.");
        Assert.AreEqual("keep", File.ReadAllText(outside));
    }

    [TestMethod]
    public void Task_WarnsOnceNamingTheFirstFiveAndTheCount_AndKeysThemAll()
    {
        using var dir = new TempDirectory();
        string publish = dir.Combine("publish");
        string app = dir.Write("publish/app.dll", "app");
        for (int i = 1; i <= 7; i++)
        {
            dir.Write($"publish/wwwroot/_framework/old{i}.wasm", "old");
        }

        var engine = new RecordingBuildEngine();
        ComputeContainerCacheKey task = NewTask(dir, engine, publish, [app], prune: false);

        Assert.IsTrue(task.Execute());
        BuildWarningEventArgs warning = engine.Warnings.Single();
        Assert.AreEqual("CONTAINERCACHE2004", warning.Code);
        Assert.AreEqual(DiagnosticCodes.HelpLinkBase + "CONTAINERCACHE2004.md", warning.HelpLink, "The doc page goes with the warning.");
        StringAssert.Contains(warning.Message, "7 files in the publish directory were not produced by this publish");
        StringAssert.Contains(warning.Message, "wwwroot/_framework/old1.wasm, wwwroot/_framework/old2.wasm, wwwroot/_framework/old3.wasm, wwwroot/_framework/old4.wasm, wwwroot/_framework/old5.wasm and 2 more");
        StringAssert.Contains(warning.Message, "They ship in the image; set ContainerCachePruneStaleFiles=true to delete them before the key is computed, or publish into a clean directory.");
        Assert.IsTrue(File.Exists(Path.Combine(publish, "wwwroot/_framework/old7.wasm")), "Nothing is deleted unless asked.");
        StringAssert.Contains(File.ReadAllText(task.KeyFile), "\"wwwroot/_framework/old7.wasm\"", "The key covers what ships.");
    }

    [TestMethod]
    public void Task_Pruning_GivesTheKeyOfAPublishDirectoryWithoutThem()
    {
        using var clean = new TempDirectory();
        string cleanApp = clean.Write("publish/app.dll", "app");
        var cleanTask = NewTask(clean, new RecordingBuildEngine(), clean.Combine("publish"), [cleanApp], prune: true);
        Assert.IsTrue(cleanTask.Execute());

        using var dir = new TempDirectory();
        string publish = dir.Combine("publish");
        string app = dir.Write("publish/app.dll", "app");
        dir.Write("publish/wwwroot/_framework/old.wasm", "old");
        dir.Write("publish/wwwroot/_framework/old.wasm.br", "old");
        var engine = new RecordingBuildEngine();
        ComputeContainerCacheKey task = NewTask(dir, engine, publish, [app], prune: true);

        Assert.IsTrue(task.Execute());
        Assert.AreEqual(0, engine.Warnings.Count);
        Assert.AreEqual(cleanTask.Key, task.Key);
        Assert.IsFalse(Directory.Exists(Path.Combine(publish, "wwwroot")));
        BuildMessageEventArgs message = engine.Messages.Single(m => m.Message!.StartsWith("ContainerCache: deleted", StringComparison.Ordinal));
        Assert.AreEqual(MessageImportance.Normal, message.Importance);
        Assert.AreEqual("ContainerCache: deleted 2 files an earlier publish left: wwwroot/_framework/old.wasm, wwwroot/_framework/old.wasm.br", message.Message);
    }

    [TestMethod]
    public void Task_NotAskedToLook_NeitherWarnsNorDeletes()
    {
        // The second computation of a container publish, or -t:ContainerCacheExplain alone: no publish items to judge by.
        using var dir = new TempDirectory();
        string publish = dir.Combine("publish");
        dir.Write("publish/old.wasm", "old");
        var engine = new RecordingBuildEngine();
        ComputeContainerCacheKey task = NewTask(dir, engine, publish, [], prune: true);
        task.FindStaleFiles = false;

        Assert.IsTrue(task.Execute());
        Assert.AreEqual(0, engine.Warnings.Count);
        Assert.IsTrue(File.Exists(Path.Combine(publish, "old.wasm")));
    }

    private static ComputeContainerCacheKey NewTask(TempDirectory dir, IBuildEngine engine, string publish, string[] produced, bool prune) => new()
    {
        BuildEngine = engine,
        Inputs = KeyInputItems.Of(publish),
        KeyFile = Path.Combine(publish, "container-cache.json"),
        TemporaryDirectory = dir.Path,
        FindStaleFiles = true,
        ProducedFiles = produced.Select(p => (ITaskItem)new TaskItem(p)).ToArray(),
        BuildStarted = Later.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture),
        PruneStaleFiles = prune,
    };

    private static List<string> Stale(TempDirectory dir, string[] produced, DateTime buildStarted) =>
        StaleFiles.Find(PublishDirectory.Enumerate(dir.Path), dir.Path, produced, buildStarted).Select(e => e.RelativePath).ToList();
}
