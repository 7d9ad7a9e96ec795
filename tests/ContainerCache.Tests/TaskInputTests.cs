using System.Reflection;
using ContainerCache.Diagnostics;
using ContainerCache.Keys;
using ContainerCache.Tasks;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ContainerCache.Tests;

/// <summary>
/// What every task does with bad input: a coded error naming the property, never an exception
/// for MSBuild to print as MSB4018 and a stack trace.
/// </summary>
[TestClass]
public sealed class TaskInputTests
{
    private static readonly Type[] TaskTypes = typeof(ContainerCacheTask).Assembly.GetTypes()
        .Where(t => typeof(ITask).IsAssignableFrom(t) && !t.IsAbstract)
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToArray();

    /// <summary>Values no property should take: each task is run with every string property set to one of them.</summary>
    private static readonly string[] Garbage =
    [
        "",
        " ",
        "a'b\"c",
        "local host:99999",
        "localhost:0/x:y",
        "localhost:65536",
        "\0",
        "NaN",
        "-1",
        "..",
        "%3B;@(x)$(y)%(z)",
        "\uD800\uFFFF",
        new string('x', 300),
    ];

    [TestMethod]
    public void EveryTaskIsFound()
    {
        CollectionAssert.AreEquivalent(
            new[] { "ComputeContainerCacheKey", "ComputeContainerImageKey", "ComputeContainerIndexKey", "FindMissingSdkNames", "FindUnmappedProjectReferences", "RememberLocalImage", "ReportContainerCacheDiagnostic", "ReuseContainerArchive", "ReuseContainerImage", "ReuseLocalImage", "VerifyContainerImage", "WriteContainerCacheResults" },
            TaskTypes.Select(t => t.Name).ToArray(),
            "A new task is covered here by reflection; this list only makes sure reflection finds them.");
        Assert.IsTrue(TaskTypes.All(t => t.IsSubclassOf(typeof(ContainerCacheTask))), "Every task reports bad input the one way.");
    }

    [TestMethod]
    public void EveryTask_WithEmptyOrGarbageInput_LogsOnlyCodedErrors_AndThrowsNothing()
    {
        // ReportContainerCacheDiagnostic's message and code are the package's own literals, never the user's:
        // a wrong one is a bug of the targets, CONTAINERCACHE1013 (DiagnosticCatalogueTests; the values, user input, are kept whole there).
        foreach (Type type in TaskTypes.Where(t => t != typeof(ReportContainerCacheDiagnostic)))
        {
            foreach (string garbage in Garbage)
            {
                using var dir = new TempDirectory();
                var engine = new RecordingBuildEngine();
                var task = (ITask)Activator.CreateInstance(type)!;
                task.BuildEngine = engine;
                Fill(task, garbage, dir);

                string what = $"{type.Name} with every input '{garbage}'";
                bool succeeded;
                try
                {
                    succeeded = task.Execute();
                }
                catch (Exception e)
                {
                    throw new AssertFailedException($"{what}: Execute threw {e}", e);
                }

                Assert.IsTrue(succeeded == (engine.Errors.Count == 0), $"{what}: Execute's result and the errors logged agree.");
                foreach (BuildErrorEventArgs error in engine.Errors)
                {
                    StringAssert.StartsWith(error.Code, "CONTAINERCACHE", $"{what}: {error.Message}");
                    Assert.AreNotEqual(DiagnosticCodes.UnexpectedFailure, error.Code, $"{what}: bad input is not a bug: {error.Message}");
                    Assert.IsFalse(error.Message!.Contains("   at "), $"{what}: no stack trace in {error.Message}");
                }

                foreach (BuildWarningEventArgs warning in engine.Warnings)
                {
                    StringAssert.StartsWith(warning.Code, "CONTAINERCACHE", $"{what}: {warning.Message}");
                }
            }
        }
    }

    [TestMethod]
    public void AnUnexpectedException_IsCONTAINERCACHE1013_WithItsTypeAndMessage_AndTheStackTraceAtLowImportance()
    {
        var engine = new RecordingBuildEngine();
        var task = new ThrowingTask { BuildEngine = engine };

        Assert.IsFalse(task.Execute());

        BuildErrorEventArgs error = engine.Errors.Single();
        Assert.AreEqual("CONTAINERCACHE1013", error.Code);
        Assert.AreEqual("https://github.com/containercache/containercache/blob/main/docs/diagnostics/CONTAINERCACHE1013.md", error.HelpLink, "The doc page goes with the error.");
        StringAssert.Contains(error.Message, "ContainerCache failed unexpectedly: System.InvalidOperationException: a bug");
        StringAssert.Contains(error.Message, "please report it");
        Assert.IsFalse(error.Message!.Contains("   at "));
        Assert.IsTrue(engine.Messages.Any(m => m.Importance == MessageImportance.Low && m.Message!.Contains("   at ")), "The stack trace is kept for the report.");
    }

    [TestMethod]
    [DataRow("NaN")]
    [DataRow("Infinity")]
    [DataRow("-Infinity")]
    [DataRow("1e-9")]
    [DataRow("0.0004")]
    [DataRow("0")]
    [DataRow("-0")]
    [DataRow("600.1")]
    [DataRow("1e400")]
    [DataRow("ten")]
    [DataRow("1,5")]
    public void RegistryTimeout_NotANumberOfSecondsFromAMillisecondTo600_IsCONTAINERCACHE1003(string timeout)
    {
        using var dir = new TempDirectory();
        var engine = new RecordingBuildEngine();
        var task = new ComputeContainerCacheKey
        {
            BuildEngine = engine,
            Inputs = KeyInputItems.Of(dir.Path),
            KeyFile = dir.Combine("container-cache.json"),
            RegistryTimeout = timeout,
        };

        Assert.IsFalse(task.Execute(), "Checked in every publish, not only when a registry is asked.");
        BuildErrorEventArgs error = engine.Errors.Single();
        Assert.AreEqual("CONTAINERCACHE1003", error.Code);
        Assert.AreEqual(DiagnosticCodes.HelpLinkBase + "CONTAINERCACHE1003.md", error.HelpLink);
        StringAssert.Contains(error.Message, $"ContainerCacheRegistryTimeout is '{timeout}'");
    }

    [TestMethod]
    [DataRow("0.001")]
    [DataRow("600")]
    [DataRow(" 2.5 ")]
    public void RegistryTimeout_InRange_IsAccepted(string timeout)
    {
        using var dir = new TempDirectory();
        var engine = new RecordingBuildEngine();
        var task = new ComputeContainerCacheKey
        {
            BuildEngine = engine,
            Inputs = KeyInputItems.Of(dir.Path),
            KeyFile = dir.Combine("container-cache.json"),
            RegistryTimeout = timeout,
        };

        Assert.IsTrue(task.Execute(), engine.Describe());
    }

    [TestMethod]
    [DataRow("localhost:99999")]
    [DataRow("localhost:65536")]
    [DataRow("localhost:0")]
    [DataRow("local host:5000")]
    [DataRow("localhost:")]
    [DataRow("-r.example")]
    [DataRow("")]
    public void ReuseContainerImage_ABadContainerRegistry_IsCONTAINERCACHE1003NamingIt(string registry)
    {
        var engine = new RecordingBuildEngine();
        var task = new ReuseContainerImage { BuildEngine = engine, Registry = registry, Repository = "app", Key = "k", KeyTag = "k" };

        Assert.IsFalse(task.Execute());
        BuildErrorEventArgs error = engine.Errors.Single();
        Assert.AreEqual("CONTAINERCACHE1003", error.Code, error.Message);
        StringAssert.Contains(error.Message, $"ContainerRegistry '{registry}'");
    }

    [TestMethod]
    [DataRow("my app")]
    [DataRow("App")]
    [DataRow("app/")]
    [DataRow("a'b")]
    public void ReuseContainerImage_ABadContainerRepository_IsCONTAINERCACHE1003NamingIt(string repository)
    {
        var engine = new RecordingBuildEngine();
        var task = new ReuseContainerImage { BuildEngine = engine, Registry = "localhost:5000", Repository = repository, Key = "k", KeyTag = "k" };

        Assert.IsFalse(task.Execute());
        BuildErrorEventArgs error = engine.Errors.Single();
        Assert.AreEqual("CONTAINERCACHE1003", error.Code, error.Message);
        StringAssert.Contains(error.Message, $"ContainerRepository '{repository}'");
    }

    [TestMethod]
    [DataRow("localhost:99999/app:1")]
    [DataRow("localhost:0/app:1")]
    [DataRow("local host/app:1")]
    [DataRow("r.example/my app:1")]
    [DataRow("[::1/app:1")]
    public void VerifyContainerImage_ABadImage_IsCONTAINERCACHE1003NamingTheProperty(string image)
    {
        var engine = new RecordingBuildEngine();
        var task = new VerifyContainerImage { BuildEngine = engine, Image = image, Key = "k" };

        Assert.IsFalse(task.Execute());
        BuildErrorEventArgs error = engine.Errors.Single();
        Assert.AreEqual("CONTAINERCACHE1003", error.Code, error.Message);
        StringAssert.Contains(error.Message, "ContainerCacheVerifyImage");
    }

    [TestMethod]
    [DataRow("localhost:99999", "base", "1", "ContainerBaseImage's registry 'localhost:99999'")]
    [DataRow("localhost:0", "base", "1", "ContainerBaseImage's registry 'localhost:0'")]
    [DataRow("local host", "base", "1", "ContainerBaseImage's registry 'local host'")]
    [DataRow("localhost:5000", "my base", "1", "ContainerBaseImage's repository 'my base'")]
    [DataRow("localhost:5000", "base", "bad tag", "ContainerBaseImage's tag 'bad tag'")]
    public void ComputeKey_ABaseImageToResolveThatIsNoImageName_IsCONTAINERCACHE1003(string registry, string name, string tag, string expected)
    {
        using var dir = new TempDirectory();
        var engine = new RecordingBuildEngine();
        var task = new ComputeContainerCacheKey
        {
            BuildEngine = engine,
            Inputs = KeyInputItems.Of(dir.Path, new ImageSettings { BaseRegistry = registry, BaseRepository = name, BaseTag = tag }),
            KeyFile = dir.Combine("container-cache.json"),
            ResolveBaseImage = true,
        };

        Assert.IsFalse(task.Execute());
        BuildErrorEventArgs error = engine.Errors.Single();
        Assert.AreEqual("CONTAINERCACHE1003", error.Code, error.Message);
        StringAssert.Contains(error.Message, expected);
    }

    /// <summary>Sets every settable input: strings (paths under <paramref name="dir"/>) to the value, items to one item of it, switches on; required ones never empty.</summary>
    private static void Fill(ITask task, string value, TempDirectory dir)
    {
        foreach (PropertyInfo property in task.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite || property.SetMethod?.IsPublic != true || property.DeclaringType == typeof(Microsoft.Build.Utilities.Task) || property.Name == nameof(ITask.BuildEngine))
            {
                continue;
            }

            // MSBuild itself refuses to run a task without its required parameters (MSB4044).
            string given = value.Length == 0 && property.IsDefined(typeof(RequiredAttribute)) ? "x" : value;
            if (property.PropertyType == typeof(string))
            {
                // Never a path outside the test's folder: a task may write there.
                bool isPath = property.Name.EndsWith("File", StringComparison.Ordinal) || property.Name.EndsWith("Directory", StringComparison.Ordinal)
                    || property.Name.EndsWith("Path", StringComparison.Ordinal) || property.Name == "Baseline";
                property.SetValue(task, isPath && property.Name != "WorkingDirectory" && given.Length > 0 ? dir.Combine(given.Replace("/", "_", StringComparison.Ordinal)) : given);
            }
            else if (property.PropertyType == typeof(bool))
            {
                property.SetValue(task, true);
            }
            else if (property.PropertyType == typeof(ITaskItem[]) && property.Name == nameof(ComputeContainerCacheKey.Inputs))
            {
                // The list the package's targets make: every input of the key, each set to the value.
                property.SetValue(task, KeyInputItems.AllSetTo(dir.Combine(given.Replace("/", "_", StringComparison.Ordinal)), given));
            }
            else if (property.PropertyType == typeof(ITaskItem[]))
            {
                property.SetValue(task, new ITaskItem[] { new TaskItem(given.Length == 0 ? "x" : given, new Dictionary<string, string> { ["Value"] = given, ["Type"] = given }) });
            }
        }
    }

    private sealed class ThrowingTask : ContainerCacheTask
    {
        protected override void ExecuteCore() => throw new InvalidOperationException("a bug");
    }
}
