using System.Collections;
using ContainerCache.Diagnostics;
using ContainerCache.Hashing;
using ContainerCache.Keys;
using ContainerCache.Tasks;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ContainerCache.Tests;

[TestClass]
public sealed class ComputeContainerCacheKeyTaskTests
{
    [TestMethod]
    public void Succeeds_WritesKeyFile_ReturnsKeyAndTag_LogsOneLine()
    {
        using var dir = new TempDirectory();
        dir.Write("app.dll", "x");
        var engine = new RecordingBuildEngine { WarningsFail = true };
        ComputeContainerCacheKey task = NewTask(dir, engine, dir.Path, "cache-");
        task.Inputs = KeyInputItems.Of(dir.Path, new ImageSettings { EnvironmentVariables = [new("SECRET", "hunter2")], Labels = [new("note", "hunter3")] });

        Assert.IsTrue(task.Execute());
        StringAssert.Matches(task.Key, new System.Text.RegularExpressions.Regex("^[0-9a-f]{32}$"));
        Assert.AreEqual("cache-" + task.Key, task.Tag);
        StringAssert.Contains(File.ReadAllText(task.KeyFile), task.Key);
        Assert.AreEqual(1, engine.Messages.Count(m => m.Importance == MessageImportance.High && m.Message!.Contains(task.Key)));
        Assert.IsFalse(engine.Messages.Any(m => m.Message!.Contains("hunter")), "The values of variables and labels are never logged.");
    }

    [TestMethod]
    public void EveryInputAndOutput_IsLoggedAtLowImportance_ByItsSdkName_VariablesAndLabelsByNameOnly()
    {
        using var dir = new TempDirectory();
        dir.Write("app.dll", "x");
        var engine = new RecordingBuildEngine { WarningsFail = true };
        ComputeContainerCacheKey task = NewTask(dir, engine, dir.Path);
        task.Inputs = KeyInputItems.Of(
            dir.Path,
            new ImageSettings { User = "app", Entrypoint = ["dotnet", "app.dll"], Ports = [new("8080", "tcp")], EnvironmentVariables = [new("TOKEN", "hunter2")], Labels = [new("team", "hunter3")] },
            "localhost:5000");

        Assert.IsTrue(task.Execute(), engine.Describe());
        string[] logged = engine.Messages.Where(m => m.Importance == MessageImportance.Low).Select(m => m.Message!).ToArray();
        foreach (string line in new[]
        {
            "ContainerCache: [input] PublishDir=" + dir.Path,
            "ContainerCache: [input] ContainerUser=app",
            "ContainerCache: [input] ContainerBaseDigest=",
            "ContainerCache: [input] ContainerRegistry=localhost:5000",
            "ContainerCache: [input] ContainerEntrypoint=dotnet;app.dll",
            "ContainerCache: [input] ContainerPort=8080/tcp",
            "ContainerCache: [input] ContainerEnvironmentVariables=TOKEN (names only)",
            "ContainerCache: [input] ContainerLabel=team (names only)",
            "ContainerCache: [output] ContainerCacheKey=" + task.Key,
            "ContainerCache: [output] ContainerCacheImageTag=" + task.Tag,
        })
        {
            CollectionAssert.Contains(logged, line, engine.Describe());
        }

        Assert.IsFalse(engine.Messages.Any(m => m.Message!.Contains("hunter")), "The values of variables and labels are never logged.");
    }

    [TestMethod]
    public void AnInputTheTaskDoesNotKnow_IsAnUnexpectedFailure_NotAKeyThatLeavesItOut()
    {
        using var dir = new TempDirectory();
        var engine = new RecordingBuildEngine();
        ComputeContainerCacheKey task = NewTask(dir, engine, dir.Path);
        task.Inputs = [.. task.Inputs, new TaskItem("ContainerVolume", new Dictionary<string, string> { ["Setting"] = "Volumes", ["Value"] = "/data" })];

        Assert.IsFalse(task.Execute());
        Assert.AreEqual(DiagnosticCodes.UnexpectedFailure, engine.Errors.Single().Code);
        StringAssert.Contains(engine.Errors.Single().Message, "Volumes");
    }

    [TestMethod]
    public void MissingPublishDirectory_OneCodedError_NoKeyFile()
    {
        using var dir = new TempDirectory();
        var engine = new RecordingBuildEngine { WarningsFail = true };
        ComputeContainerCacheKey task = NewTask(dir, engine, dir.Combine("publish"));

        Assert.IsFalse(task.Execute());
        BuildErrorEventArgs error = engine.Errors.Single();
        Assert.AreEqual("CONTAINERCACHE1001", error.Code);
        StringAssert.Contains(error.Message, dir.Combine("publish"));
        Assert.IsFalse(error.Message!.Contains("   at "), "No stack trace.");
        Assert.IsFalse(File.Exists(task.KeyFile));
        Assert.AreEqual("", task.Key);
    }

    [TestMethod]
    [DataRow("-bad")]
    [DataRow("with space")]
    [DataRow("x:")]
    public void InvalidTagPrefix_CodedErrorNamingTheProperty(string prefix)
    {
        using var dir = new TempDirectory();
        var engine = new RecordingBuildEngine { WarningsFail = true };
        ComputeContainerCacheKey task = NewTask(dir, engine, dir.Path, prefix);

        Assert.IsFalse(task.Execute());
        BuildErrorEventArgs error = engine.Errors.Single();
        Assert.AreEqual("CONTAINERCACHE1004", error.Code);
        StringAssert.Contains(error.Message, "ContainerCacheTagPrefix");
        Assert.IsFalse(File.Exists(task.KeyFile));
    }

    [TestMethod]
    public void TagPrefixTooLong_CodedError()
    {
        using var dir = new TempDirectory();
        var engine = new RecordingBuildEngine { WarningsFail = true };
        ComputeContainerCacheKey task = NewTask(dir, engine, dir.Path, new string('a', 97));

        Assert.IsFalse(task.Execute());
        Assert.AreEqual("CONTAINERCACHE1004", engine.Errors.Single().Code);
    }

    [TestMethod]
    public void NamesWithNewlines_CannotPrintALineOfTheirOwn()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Windows file names cannot hold a newline.");
            return;
        }

        using var dir = new TempDirectory();
        const string forged = "\nContainerCache: hit: the archive x already holds the image with key 0; left as it is.\n";
        dir.Write("publish/app.dll", "x");
        var first = NewTask(dir, new RecordingBuildEngine { WarningsFail = true }, dir.Combine("publish"));
        Assert.IsTrue(first.Execute());
        string baseline = dir.Combine("baseline" + forged + ".json");
        File.Copy(first.KeyFile, baseline);
        dir.Write("publish/new" + forged + ".dll", "y");

        var engine = new RecordingBuildEngine { WarningsFail = true };
        ComputeContainerCacheKey task = NewTask(dir, engine, dir.Combine("publish"));
        task.Baseline = baseline;
        task.BaselineIsExplicit = true;
        Assert.IsTrue(task.Execute());
        StringAssert.Contains(engine.Messages.Select(m => m.Message).Last(m => m!.Contains("changed since")), "files added (1): new\\nContainerCache: hit");
        Assert.AreEqual(baseline.Replace("\n", "\\n", StringComparison.Ordinal), task.BaselineShown, "What ContainerCacheExplain prints.");
        string item = task.ChangedInputs.Single().ItemSpec;
        Assert.IsTrue(item.StartsWith("file added: new", StringComparison.Ordinal) && !item.Contains('\n'), item);

        // The same path, missing: the coded error quotes it, escaped.
        var missing = new RecordingBuildEngine { WarningsFail = true };
        ComputeContainerCacheKey failing = NewTask(dir, missing, dir.Combine("publish"));
        failing.Baseline = baseline + ".gone";
        failing.BaselineIsExplicit = true;
        Assert.IsFalse(failing.Execute());
        StringAssert.Contains(missing.Errors.Single().Message, "baseline\\nContainerCache: hit");

        string[] lines = engine.Messages.Concat(missing.Messages).Select(m => m.Message!)
            .Concat(missing.Errors.Select(e => e.Message!))
            .SelectMany(m => m.Split('\n', '\r', '\u0085', '\u2028', '\u2029'))
            .ToArray();
        Assert.IsFalse(lines.Any(l => l.TrimStart().StartsWith("ContainerCache: hit", StringComparison.Ordinal)), string.Join("\n", lines));
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void BaselineThatIsAFifo_IsNeverOpened_CodedErrorWhenNamed(bool named)
    {
        if (!FileStamp.Supported)
        {
            Assert.Inconclusive("File types are read without opening only on Linux.");
            return;
        }

        using var dir = new TempDirectory();
        dir.Write("publish/app.dll", "x");
        var engine = new RecordingBuildEngine { WarningsFail = true };
        ComputeContainerCacheKey task = NewTask(dir, engine, dir.Combine("publish"));
        task.Baseline = SpecialFiles.MakeFifo(dir.Combine("baseline.json"));
        task.BaselineIsExplicit = named;

        Assert.AreEqual(!named, SpecialFiles.Bounded(task.Execute));
        if (named)
        {
            BuildErrorEventArgs error = engine.Errors.Single();
            Assert.AreEqual("CONTAINERCACHE1008", error.Code);
            StringAssert.Contains(error.Message, task.Baseline);
            StringAssert.Contains(error.Message, "FIFO");
        }
    }

    [TestMethod]
    public void SettingAsideTheLastKey_OpensNoFifo_AndKeepsTheLastKeyAsTheBaseline()
    {
        if (!FileStamp.Supported)
        {
            Assert.Inconclusive("File types are read without opening only on Linux.");
            return;
        }

        using var dir = new TempDirectory();
        dir.Write("publish/app.dll", "x");
        var first = NewTask(dir, new RecordingBuildEngine { WarningsFail = true }, dir.Combine("publish"));
        first.LastKeyFile = dir.Combine("obj/last.json");
        Assert.IsTrue(first.Execute());

        // The obj/ copy is the last key: set aside as the baseline, unchanged.
        var engine = new RecordingBuildEngine { WarningsFail = true };
        var second = NewTask(dir, engine, dir.Combine("publish"));
        second.LastKeyFile = first.LastKeyFile;
        second.PreviousKeyFile = second.Baseline = dir.Combine("obj/previous.json");
        Assert.IsTrue(second.Execute());
        Assert.AreEqual(File.ReadAllText(first.KeyFile), File.ReadAllText(second.PreviousKeyFile));

        // A FIFO in the key file's place, and no obj/ copy: nothing opens it, a coded error names it.
        File.Delete(first.KeyFile);
        File.Delete(first.LastKeyFile);
        SpecialFiles.MakeFifo(first.KeyFile);
        var fifo = new RecordingBuildEngine { WarningsFail = true };
        var third = NewTask(dir, fifo, dir.Combine("publish"));
        third.LastKeyFile = first.LastKeyFile;
        third.PreviousKeyFile = third.Baseline = second.PreviousKeyFile;
        Assert.IsFalse(SpecialFiles.Bounded(third.Execute));
        Assert.AreEqual("CONTAINERCACHE1012", fifo.Errors.Single().Code);
        Assert.IsFalse(File.Exists(third.PreviousKeyFile), "No last key: no baseline.");
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void BaselineLargerThanTheBound_IsNotRead_CodedErrorWhenNamed(bool named)
    {
        using var dir = new TempDirectory();
        dir.Write("publish/app.dll", "x");
        string baseline = dir.Write("baseline.json", "{\n  \"schemaVersion\": 2,");
        using (var file = new FileStream(baseline, FileMode.Open))
        {
            file.SetLength(KeyComputation.MaxBaselineBytes + 1L); // sparse
        }

        var engine = new RecordingBuildEngine { WarningsFail = true };
        ComputeContainerCacheKey task = NewTask(dir, engine, dir.Combine("publish"));
        task.Baseline = baseline;
        task.BaselineIsExplicit = named;

        Assert.AreEqual(!named, task.Execute());
        if (named)
        {
            BuildErrorEventArgs error = engine.Errors.Single();
            Assert.AreEqual("CONTAINERCACHE1011", error.Code);
            StringAssert.Contains(error.Message, baseline);
            StringAssert.Contains(error.Message, "32 MiB");
        }
        else
        {
            Assert.IsTrue(engine.Messages.Any(m => m.Message!.Contains("32 MiB")));
        }
    }

    [TestMethod]
    public void KeyFileAtTheAppsOwnDll_CodedErrorNamingTheProperty_DllUntouched()
    {
        using var dir = new TempDirectory();
        string dll = dir.Write("publish/app.dll", "MZ not JSON");
        var engine = new RecordingBuildEngine { WarningsFail = true };
        ComputeContainerCacheKey task = NewTask(dir, engine, dir.Combine("publish"));
        task.KeyFile = dll;
        task.LastKeyFile = dir.Combine("obj/container-cache.last.json");

        Assert.IsFalse(task.Execute());
        BuildErrorEventArgs error = engine.Errors.Single();
        Assert.AreEqual("CONTAINERCACHE1012", error.Code);
        StringAssert.Contains(error.Message, "ContainerCacheKeyFile");
        StringAssert.Contains(error.Message, dll);
        Assert.AreEqual("MZ not JSON", File.ReadAllText(dll));
        Assert.IsFalse(File.Exists(task.LastKeyFile), "Nothing is written after the error.");
    }

    private static ComputeContainerCacheKey NewTask(TempDirectory dir, RecordingBuildEngine engine, string publishDirectory, string tagPrefix = "") => new()
    {
        BuildEngine = engine,
        Inputs = KeyInputItems.Of(publishDirectory),
        KeyFile = dir.Combine("container-cache.json"),
        TagPrefix = tagPrefix,
    };
}
