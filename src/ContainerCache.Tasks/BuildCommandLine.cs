using System;
using System.Collections.Generic;
using System.Linq;

namespace ContainerCache.Tasks;

/// <summary>
/// What the command line of the build's process asks for. MSBuild tells a task nothing of the targets
/// that run after it; the command line (<c>dotnet publish -t:PublishContainer</c>) does, when the build
/// runs in the process the user started. Only a hint: a build elsewhere (an IDE, the MSBuild server, a
/// worker node) does not name its targets there, and then nothing is started early.
/// </summary>
internal static class BuildCommandLine
{
    /// <summary>Whether a <c>-t:</c> / <c>-target:</c> switch (also with <c>/</c> or <c>--</c>) names <paramref name="target"/>.</summary>
    public static bool NamesTarget(IEnumerable<string> arguments, string target)
    {
        foreach (string argument in arguments)
        {
            string a = argument.TrimStart('-', '/');
            if (a.Length == argument.Length)
            {
                continue;
            }

            int colon = a.IndexOf(':');
            string name = colon < 0 ? "" : a.Substring(0, colon);
            if (!name.Equals("t", StringComparison.OrdinalIgnoreCase) && !name.Equals("target", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (a.Substring(colon + 1).Split(';', ',').Any(t => t.Trim().Trim('"').Equals(target, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The process's own command line; none when it cannot be read.</summary>
    public static IEnumerable<string> Current()
    {
        try
        {
            return Environment.GetCommandLineArgs();
        }
        catch (NotSupportedException)
        {
            return Array.Empty<string>();
        }
    }
}
