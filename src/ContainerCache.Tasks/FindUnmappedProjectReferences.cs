using System;
using System.Collections.Concurrent;
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
        ConcurrentDictionary<string, bool> warned = WarnedInThisBuild();
        foreach (ITaskItem assembly in Assemblies)
        {
            string project = assembly.GetMetadata("MSBuildSourceProjectFile");
            string dll = assembly.ItemSpec;
            if (!IsPath(project) || !IsPath(dll) || warned.ContainsKey(project))
            {
                continue;
            }

            string? pdbPath = CodeViewPath.Read(dll);
            LogInput("ReferencedProjectDebugPath", $"{dll}: {pdbPath ?? "(none)"}");
            if (CodeViewPath.IsUnder(pdbPath, Path.GetDirectoryName(project) ?? "") && warned.TryAdd(project, true))
            {
                Report(DiagnosticMessages.UnmappedProjectReference.With(project, dll, pdbPath!));
            }
        }
    }

    /// <summary>
    /// The projects warned about in this build: a multi-platform publish publishes once per platform,
    /// and the same library's DLL needs saying once.
    /// </summary>
    private ConcurrentDictionary<string, bool> WarnedInThisBuild() =>
        ForThisBuild("ContainerCache.UnmappedProjectReferences", () => new ConcurrentDictionary<string, bool>(StringComparer.Ordinal))
        ?? new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);

    /// <summary>An absolute path .NET Framework's Path methods take without throwing.</summary>
    private static bool IsPath(string path) =>
        path.Length > 0 && path.IndexOfAny(Path.GetInvalidPathChars()) < 0 && Path.IsPathRooted(path);
}
