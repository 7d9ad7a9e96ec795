using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace ContainerCache.Registry;

/// <summary>
/// Manifests and blobs read by digest during one build, shared by the clients that are given it, so
/// that nothing is read twice: the base manifest the key resolved is the one the reuse check reads.
/// A read still under way is shared too (a read started early is awaited, not repeated). Safe to
/// share because content is named by its digest and checked against it when read; a failed read is
/// forgotten, so the next one asks again. Tags are never cached: they move.
/// </summary>
internal sealed class RegistryContentCache
{
    private readonly ConcurrentDictionary<string, Lazy<Task<Manifest?>>> _manifests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<byte[]>>> _blobs = new(StringComparer.Ordinal);

    public Task<Manifest?> GetManifestAsync(string registry, string repository, string digest, Func<Task<Manifest?>> read) =>
        GetOrRead(_manifests, Name(registry, repository, digest), read, forgetResult: m => m is null);

    public Task<byte[]> GetBlobAsync(string registry, string repository, string digest, Func<Task<byte[]>> read) =>
        GetOrRead(_blobs, Name(registry, repository, digest), read, forgetResult: _ => false);

    /// <summary>Keeps a manifest read by tag under its digest.</summary>
    public void Add(string registry, string repository, Manifest manifest) =>
        _manifests.TryAdd(Name(registry, repository, manifest.Digest), new Lazy<Task<Manifest?>>(() => Task.FromResult<Manifest?>(manifest)));

    private static Task<T> GetOrRead<T>(ConcurrentDictionary<string, Lazy<Task<T>>> entries, string name, Func<Task<T>> read, Func<T, bool> forgetResult)
    {
        var entry = new Lazy<Task<T>>(read);
        Lazy<Task<T>> stored = entries.GetOrAdd(name, entry);
        if (ReferenceEquals(stored, entry))
        {
            // A failure, or an answer that may change (nothing there yet), is not kept.
            _ = stored.Value.ContinueWith(
                done =>
                {
                    if (done.Status != TaskStatus.RanToCompletion || forgetResult(done.Result))
                    {
                        _ = done.Exception;
                        // Removed only if still this entry, not a later read's.
                        ((ICollection<KeyValuePair<string, Lazy<Task<T>>>>)entries).Remove(new KeyValuePair<string, Lazy<Task<T>>>(name, stored));
                    }
                },
                TaskScheduler.Default);
        }

        return stored.Value;
    }

    private static string Name(string registry, string repository, string digest) => registry.ToLowerInvariant() + "/" + repository + "@" + digest;
}
