using System;

namespace ContainerCache.Diagnostics;

/// <summary>
/// Bad input that stops keying. <see cref="Code"/> is the stable diagnostic code the build reports;
/// the message, worded in <see cref="DiagnosticMessages"/>, names the file or property at fault.
/// </summary>
internal sealed class ContainerCacheException : Exception
{
    public ContainerCacheException(DiagnosticReport report, Exception? inner = null)
        : base(report.Message, inner) => Report = report;

    /// <summary>What the build reports for it.</summary>
    public DiagnosticReport Report { get; }

    public string Code => Report.Code;
}
