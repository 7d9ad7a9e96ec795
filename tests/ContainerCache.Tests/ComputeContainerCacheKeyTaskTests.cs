using System.Collections;
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
        var engine = new FakeBuildEngine();
        ComputeContainerCacheKey task = NewTask(dir, engine, dir.Path, "cache-");
        task.EnvironmentVariables = [new TaskItem("SECRET", new Dictionary<string, string> { ["Value"] = "hunter2" })];

        Assert.IsTrue(task.Execute());
        StringAssert.Matches(task.Key, new System.Text.RegularExpressions.Regex("^[0-9a-f]{32}$"));
        Assert.AreEqual("cache-" + task.Key, task.Tag);
        StringAssert.Contains(File.ReadAllText(task.KeyFile), task.Key);
        Assert.AreEqual(1, engine.Messages.Count(m => m.Importance == MessageImportance.High && m.Message!.Contains(task.Key)));
        Assert.IsFalse(engine.Messages.Any(m => m.Message!.Contains("hunter2")), "Setting values are never logged.");
    }

    [TestMethod]
    public void MissingPublishDirectory_OneCodedError_NoKeyFile()
    {
        using var dir = new TempDirectory();
        var engine = new FakeBuildEngine();
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
        var engine = new FakeBuildEngine();
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
        var engine = new FakeBuildEngine();
        ComputeContainerCacheKey task = NewTask(dir, engine, dir.Path, new string('a', 97));

        Assert.IsFalse(task.Execute());
        Assert.AreEqual("CONTAINERCACHE1004", engine.Errors.Single().Code);
    }

    private static ComputeContainerCacheKey NewTask(TempDirectory dir, FakeBuildEngine engine, string publishDirectory, string tagPrefix = "") => new()
    {
        BuildEngine = engine,
        PublishDirectory = publishDirectory,
        KeyFile = dir.Combine("container-cache.json"),
        TagPrefix = tagPrefix,
    };

    private sealed class FakeBuildEngine : IBuildEngine
    {
        public List<BuildErrorEventArgs> Errors { get; } = [];
        public List<BuildMessageEventArgs> Messages { get; } = [];
        public bool ContinueOnError => false;
        public int LineNumberOfTaskNode => 0;
        public int ColumnNumberOfTaskNode => 0;
        public string ProjectFileOfTaskNode => "test.proj";
        public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e);
        public void LogWarningEvent(BuildWarningEventArgs e) => throw new AssertFailedException("Unexpected warning: " + e.Message);
        public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e);
        public void LogCustomEvent(CustomBuildEventArgs e) { }
        public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => throw new NotSupportedException();
    }
}
