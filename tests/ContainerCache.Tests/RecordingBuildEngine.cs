using System.Collections;
using ContainerCache.Diagnostics;
using Microsoft.Build.Framework;

namespace ContainerCache.Tests;

/// <summary>
/// A build engine that keeps every event a task logs, warnings included. Every error and warning
/// must be a code of the catalogue, with its severity and its doc page as the help link.
/// </summary>
public sealed class RecordingBuildEngine : IBuildEngine
{
    public List<BuildErrorEventArgs> Errors { get; } = [];
    public List<BuildWarningEventArgs> Warnings { get; } = [];
    public List<BuildMessageEventArgs> Messages { get; } = [];
    public bool ContinueOnError => false;
    public int LineNumberOfTaskNode => 0;
    public int ColumnNumberOfTaskNode => 0;
    public string ProjectFileOfTaskNode => "test.proj";
    public void LogErrorEvent(BuildErrorEventArgs e)
    {
        RequireCatalogued(e.Code, e.HelpLink, DiagnosticSeverity.Error, e.Message);
        Errors.Add(e);
    }

    /// <summary>Fail the test at the first warning, for tests of paths that must warn of nothing.</summary>
    public bool WarningsFail { get; init; }

    public void LogWarningEvent(BuildWarningEventArgs e)
    {
        RequireCatalogued(e.Code, e.HelpLink, DiagnosticSeverity.Warning, e.Message);
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

    private static void RequireCatalogued(string code, string helpLink, DiagnosticSeverity severity, string? message)
    {
        Diagnostic? diagnostic = DiagnosticCodes.All.FirstOrDefault(d => d.Code == code);
        if (diagnostic is null || diagnostic.Severity != severity || helpLink != diagnostic.HelpLink)
        {
            throw new AssertFailedException(
                $"{severity} {code} (help link '{helpLink}') is not as the catalogue has it ({diagnostic?.ToString() ?? "no entry"}, {diagnostic?.HelpLink}): {message}");
        }
    }
}
