using ContainerCache.Keys;
using Microsoft.Build.Framework;

namespace ContainerCache.Tasks;

/// <summary>
/// The settings a key was computed from, kept in MSBuild's memory for the rest of the build (never
/// in a file: values may be secrets), so that a reuse or verify task can check an image against
/// them. Keyed by the key itself: the same key means the same inputs.
/// </summary>
internal static class KeyInputs
{
    public static void Remember(IBuildEngine engine, string key, ImageSettings settings) =>
        (engine as IBuildEngine4)?.RegisterTaskObject(Name(key), settings, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);

    /// <summary>The settings of <paramref name="key"/>, or null when no task of this build computed it.</summary>
    public static ImageSettings? Find(IBuildEngine engine, string key) =>
        (engine as IBuildEngine4)?.GetRegisteredTaskObject(Name(key), RegisteredTaskObjectLifetime.Build) as ImageSettings;

    private static string Name(string key) => "ContainerCache.KeyInputs:" + key;
}
