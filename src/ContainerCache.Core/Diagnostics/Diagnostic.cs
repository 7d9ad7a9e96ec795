namespace ContainerCache.Diagnostics;

/// <summary>One entry of the catalogue in <see cref="DiagnosticCodes"/>.</summary>
internal sealed class Diagnostic
{
    internal Diagnostic(string code, DiagnosticSeverity severity, string title)
    {
        Code = code;
        Severity = severity;
        Title = title;
    }

    public string Code { get; }

    public DiagnosticSeverity Severity { get; }

    /// <summary>What the code means, as its doc page's title says it.</summary>
    public string Title { get; }

    /// <summary>The code's doc page, given with every error and warning (MSBuild's help link).</summary>
    public string HelpLink => DiagnosticCodes.HelpLink(Code);

    public override string ToString() => $"{Code} ({Severity}): {Title}";
}

/// <summary>Errors (CONTAINERCACHE1xxx) stop the build; warnings (CONTAINERCACHE2xxx) do not.</summary>
internal enum DiagnosticSeverity
{
    Error,
    Warning,
}
