using System.Collections;
using Microsoft.Build.Framework;

namespace ContainerCache.Tests;

/// <summary>A build engine that keeps every event a task logs, warnings included.</summary>
public sealed class RecordingBuildEngine : IBuildEngine
{
    public List<BuildErrorEventArgs> Errors { get; } = [];
    public List<BuildWarningEventArgs> Warnings { get; } = [];
    public List<BuildMessageEventArgs> Messages { get; } = [];
    public bool ContinueOnError => false;
    public int LineNumberOfTaskNode => 0;
    public int ColumnNumberOfTaskNode => 0;
    public string ProjectFileOfTaskNode => "test.proj";
    public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e);
    /// <summary>Fail the test at the first warning, for tests of paths that must warn of nothing.</summary>
    public bool WarningsFail { get; init; }

    public void LogWarningEvent(BuildWarningEventArgs e)
    {
        if (WarningsFail)
        {
            throw new AssertFailedException("Unexpected warning: " + e.Message);
        }

        Warnings.Add(e);
    }

    public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e);
    public void LogCustomEvent(CustomBuildEventArgs e) { }
    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => throw new NotSupportedException();

    /// <summary>Errors and warnings, one a line, for assertion messages.</summary>
    public string Describe() =>
        string.Join("\n", Errors.Select(e => $"error {e.Code}: {e.Message}").Concat(Warnings.Select(w => $"warning {w.Code}: {w.Message}")));
}
