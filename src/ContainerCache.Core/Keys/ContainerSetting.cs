using System.Collections.Generic;

namespace ContainerCache.Keys;

/// <summary>
/// A named container setting that shapes the image, for example <c>entrypoint</c> or
/// <c>env:ASPNETCORE_URLS</c>. Values keep their order: for argument lists order is meaning.
/// </summary>
internal sealed class ContainerSetting
{
    public ContainerSetting(string name, IReadOnlyList<string> values)
    {
        Name = name;
        Values = values;
    }

    public ContainerSetting(string name, string value)
        : this(name, new[] { value })
    {
    }

    public string Name { get; }
    public IReadOnlyList<string> Values { get; }
}
