namespace ContainerCache.Diagnostics;

/// <summary>A diagnostic as raised: its catalogue entry and its message, particulars filled in and printable.</summary>
internal sealed class DiagnosticReport(Diagnostic diagnostic, string message)
{
    public Diagnostic Diagnostic { get; } = diagnostic;

    public string Code => Diagnostic.Code;

    public string Message { get; } = message;

    public override string ToString() => $"{Code}: {Message}";
}
