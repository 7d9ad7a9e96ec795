using System;
using System.Collections.Generic;
using System.IO;
using ContainerCache.Diagnostics;
using ContainerCache.PublishOutput;
using Microsoft.Build.Framework;

namespace ContainerCache.Tasks;

/// <summary>
/// Warns (CONTAINERCACHE2007) for each referenced project whose DLL records a PDB path under that
/// project's own folder (<see cref="CodeViewPath"/>): built there without a PathMap, so the DLL that
/// ships differs from folder to folder. Only the DLLs of project references are given: a package's
/// DLL records its author's build, the same everywhere.
/// </summary>
public sealed class FindUnmappedProjectReferences : ContainerCacheTask
{
    /// <summary>The references' DLLs (ReferencePath items from project references), each with <c>MSBuildSourceProjectFile</c>.</summary>
    public ITaskItem[] Assemblies { get; set; } = Array.Empty<ITaskItem>();

    protected override void ExecuteCore()
    {
        var warned = new HashSet<string>(StringComparer.Ordinal);
        foreach (ITaskItem assembly in Assemblies)
        {
            string project = assembly.GetMetadata("MSBuildSourceProjectFile");
            string dll = assembly.ItemSpec;
            if (!IsPath(project) || !IsPath(dll) || warned.Contains(project))
            {
                continue;
            }

            string? pdbPath = CodeViewPath.Read(dll);
            LogInput("ReferencedProjectDebugPath", $"{dll}: {pdbPath ?? "(none)"}");
            if (CodeViewPath.IsUnder(pdbPath, Path.GetDirectoryName(project) ?? "") && warned.Add(project))
            {
                Report(DiagnosticMessages.UnmappedProjectReference.With(project, dll, pdbPath!));
            }
        }
    }

    /// <summary>An absolute path .NET Framework's Path methods take without throwing.</summary>
    private static bool IsPath(string path) =>
        path.Length > 0 && path.IndexOfAny(Path.GetInvalidPathChars()) < 0 && Path.IsPathRooted(path);
}
