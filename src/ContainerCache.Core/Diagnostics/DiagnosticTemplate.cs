using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ContainerCache.Diagnostics;

/// <summary>
/// A message of one catalogued code, worded once in <see cref="DiagnosticMessages"/>, with the
/// placeholders <c>{0}</c> to <c>{Arity - 1}</c> (string.Format's syntax) for the particulars: the
/// property, the file, the reason. The typed subclasses (<see cref="DiagnosticMessage{T1}"/> and
/// the others) let the compiler check that every raise site gives each placeholder its value.
/// </summary>
internal abstract class DiagnosticTemplate
{
    private protected DiagnosticTemplate(string code, string template)
    {
        Code = code;
        Template = template;
    }

    public string Code { get; }

    public string Template { get; }

    /// <summary>How many values the message takes.</summary>
    public abstract int Arity { get; }

    public Diagnostic Diagnostic => DiagnosticCodes.Get(Code);

    /// <summary>
    /// The message with the values in place. Names, paths, property values and the system's own
    /// messages may hold any character: each value is made printable (<see cref="Printable"/>), so a
    /// name with a newline cannot print a line of its own.
    /// </summary>
    /// <exception cref="ArgumentException">Not <see cref="Arity"/> values: a bug.</exception>
    public DiagnosticReport Fill(IReadOnlyList<object?> values)
    {
        if (values.Count != Arity)
        {
            throw new ArgumentException($"{Code}'s message takes {Arity} values, not {values.Count}: {Template}", nameof(values));
        }

        object?[] printable = values.Select(v => v is string s ? Printable.Of(s) : v).ToArray();
        return new DiagnosticReport(Diagnostic, string.Format(CultureInfo.InvariantCulture, Template, printable));
    }

    public override string ToString() => $"{Code}: {Template}";
}
