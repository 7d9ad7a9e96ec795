using System;
using System.Collections.Generic;
using System.IO;

namespace ContainerCache.Sdk;

/// <summary>
/// The SDK's private names the package relies on (build/ContainerCache.Sdk.targets, <c>@(_ContainerCacheSdkName)</c>),
/// checked against the SDK's own container targets: a name whose definition is not in that file is missing, and
/// the package then keys and stamps without reuse (CONTAINERCACHE2005).
/// </summary>
internal static class SdkContract
{
    /// <summary>
    /// The indexes of the <paramref name="definitions"/> not found in <paramref name="targetsFile"/>, read once:
    /// all of them when it cannot be read; an empty definition is never found.
    /// </summary>
    public static IReadOnlyList<int> Missing(string targetsFile, IReadOnlyList<string> definitions)
    {
        string? text;
        try
        {
            text = File.ReadAllText(targetsFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            text = null;
        }

        var missing = new List<int>();
        for (int i = 0; i < definitions.Count; i++)
        {
            if (text is null || definitions[i].Length == 0 || text.IndexOf(definitions[i], StringComparison.Ordinal) < 0)
            {
                missing.Add(i);
            }
        }

        return missing;
    }
}
