using System;
using System.Collections.Generic;
using System.Linq;
using ContainerCache.Keys;
using Microsoft.Build.Framework;

namespace ContainerCache.Tasks;

/// <summary>
/// The key a project instance computed after its publish, kept in MSBuild's memory for the rest of
/// the build (never in a file: setting values may be secrets), so that its image's key is derived
/// from it (<see cref="ComputeContainerImageKey"/>) instead of computed again from a copied list of
/// inputs. Found by the project instance (its global properties) and the key file it wrote: one
/// publish, one key file.
/// </summary>
internal static class ComputedKeys
{
    public static void Remember(IBuildEngine engine, string keyFile, ComputedKey key) =>
        (engine as IBuildEngine4)?.RegisterTaskObject(Name(engine, keyFile), key, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);

    /// <summary>The key this project instance wrote to <paramref name="keyFile"/> in this build, or null.</summary>
    public static ComputedKey? Find(IBuildEngine engine, string keyFile) =>
        (engine as IBuildEngine4)?.GetRegisteredTaskObject(Name(engine, keyFile), RegisteredTaskObjectLifetime.Build) as ComputedKey;

    private static string Name(IBuildEngine engine, string keyFile)
    {
        IEnumerable<string> global = (engine as IBuildEngine6)?.GetGlobalProperties()
            .OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase)
            .Select(p => p.Key + "=" + p.Value) ?? Enumerable.Empty<string>();
        return "ContainerCache.ComputedKey:" + keyFile + "|" + string.Join("|", global);
    }
}
