namespace ContainerCache.Diagnostics;

// One class per number of values, as Action and Func are: the raise site's call is checked against
// the message's placeholders by the compiler.

/// <summary>A message without particulars.</summary>
internal sealed class DiagnosticMessage(string code, string template) : DiagnosticTemplate(code, template)
{
    public override int Arity => 0;

    public DiagnosticReport With() => Fill([]);
}

/// <summary>A message with one value, <c>{0}</c>.</summary>
internal sealed class DiagnosticMessage<T1>(string code, string template) : DiagnosticTemplate(code, template)
{
    public override int Arity => 1;

    public DiagnosticReport With(T1 value0) => Fill([value0]);
}

/// <summary>A message with two values, <c>{0}</c> and <c>{1}</c>.</summary>
internal sealed class DiagnosticMessage<T1, T2>(string code, string template) : DiagnosticTemplate(code, template)
{
    public override int Arity => 2;

    public DiagnosticReport With(T1 value0, T2 value1) => Fill([value0, value1]);
}

/// <summary>A message with three values, <c>{0}</c> to <c>{2}</c>.</summary>
internal sealed class DiagnosticMessage<T1, T2, T3>(string code, string template) : DiagnosticTemplate(code, template)
{
    public override int Arity => 3;

    public DiagnosticReport With(T1 value0, T2 value1, T3 value2) => Fill([value0, value1, value2]);
}

/// <summary>A message with four values, <c>{0}</c> to <c>{3}</c>.</summary>
internal sealed class DiagnosticMessage<T1, T2, T3, T4>(string code, string template) : DiagnosticTemplate(code, template)
{
    public override int Arity => 4;

    public DiagnosticReport With(T1 value0, T2 value1, T3 value2, T4 value3) => Fill([value0, value1, value2, value3]);
}

/// <summary>A message with five values, <c>{0}</c> to <c>{4}</c>.</summary>
internal sealed class DiagnosticMessage<T1, T2, T3, T4, T5>(string code, string template) : DiagnosticTemplate(code, template)
{
    public override int Arity => 5;

    public DiagnosticReport With(T1 value0, T2 value1, T3 value2, T4 value3, T5 value4) => Fill([value0, value1, value2, value3, value4]);
}
