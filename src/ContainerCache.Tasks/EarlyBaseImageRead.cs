using System.Threading;
using System.Threading.Tasks;
using ContainerCache.Registry;
using Microsoft.Build.Framework;

namespace ContainerCache.Tasks;

/// <summary>
/// A read of the base image's tag started by the publish-time key for the image's key, which follows in
/// the same build (see <see cref="ComputeContainerCacheKey.ResolveBaseImageEarly"/>): kept in MSBuild's
/// memory for the build, taken once. The read is the image key's own, started earlier, so that the
/// first registry request of the process (the HTTP stack's start in a fresh process) runs beside the
/// publish-time key instead of after it.
/// </summary>
internal static class EarlyBaseImageRead
{
    public static void Start(IBuildEngine engine, string image, Task<Manifest?> read)
    {
        // Observed, for a read no one takes (a build that ends before the image's key, or needs none).
        _ = read.ContinueWith(r => _ = r.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        (engine as IBuildEngine4)?.RegisterTaskObject(Name(image), read, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: true);
    }

    /// <summary>The read started for <paramref name="image"/> in this build, if any; it is not handed out again.</summary>
    public static Task<Manifest?>? Take(IBuildEngine engine, string image) =>
        (engine as IBuildEngine4)?.UnregisterTaskObject(Name(image), RegisteredTaskObjectLifetime.Build) as Task<Manifest?>;

    private static string Name(string image) => "ContainerCache.EarlyBaseImageRead:" + image;
}
