using System;
using System.Collections.Generic;
using System.Linq;
using ContainerCache.Diagnostics;
using Microsoft.Build.Framework;

namespace ContainerCache.Tasks;

/// <summary>
/// The targets' errors and warnings: a message of <see cref="DiagnosticMessages"/>, by its name,
/// with its values, logged as its code's severity says and with its doc page as the help link, as
/// the tasks log theirs. The targets name the code too, so that it can be read and searched there.
/// </summary>
/// <remarks>
/// One parameter per value rather than a list: MSBuild splits a list at ';' and drops its empty
/// items, which would shift the values of a message about a value holding ';', or an empty one.
/// </remarks>
public sealed class ReportContainerCacheDiagnostic : ContainerCacheTask
{
    [Required]
    public string Code { get; set; } = "";

    /// <summary>The message's name in <see cref="DiagnosticMessages"/>.</summary>
    [Required]
    public string Message { get; set; } = "";

    public string Argument0 { get; set; } = "";

    public string Argument1 { get; set; } = "";

    public string Argument2 { get; set; } = "";

    public string Argument3 { get; set; } = "";

    protected override void ExecuteCore()
    {
        DiagnosticTemplate message = DiagnosticMessages.Get(Message);
        if (message.Code != Code)
        {
            throw new ArgumentException($"The message {Message} is {message.Code}'s, not {Code}'s.");
        }

        IReadOnlyList<string> values = [Argument0, Argument1, Argument2, Argument3];
        Report(message.Fill(values.Take(message.Arity).ToList()));
    }
}
