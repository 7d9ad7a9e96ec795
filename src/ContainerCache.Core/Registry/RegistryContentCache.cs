using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net.Http.Headers;
using System.Threading.Tasks;

namespace ContainerCache.Registry;

/// <summary>
/// What the registry clients of one build share. Manifests and blobs read by digest during the build, shared by the clients that are given it, so
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

    /// <summary>
    /// The authorizations (tokens, basic credentials) the build's clients obtained, by registry, use and
    /// scope (see <see cref="RegistryClient"/>): in memory only, for the build only.
    /// </summary>
    public ConcurrentDictionary<string, AuthenticationHeaderValue> Authorizations { get; } = new(StringComparer.Ordinal);

    /// <summary>Keeps a manifest read by tag under its digest.</summary>
    public void Add(string registry, string repository, Manifest manifest) =>
        _manifests.TryAdd(Name(registry, repository, manifest.Digest), new Lazy<Task<Manifest?>>(() => Task.FromResult<Manifest?>(manifest)));

    private static Task<T> GetOrRead<T>(ConcurrentDictionary<string, Lazy<Task<T>>> entries, string name, Func<Task<T>> read, Func<T, bool> forgetResult)
    {
        Lazy<Task<T>>? entry = null;
        entry = new Lazy<Task<T>>(async () =>
        {
            // A failure, or an answer that may change (nothing there yet), is forgotten before anyone sees it.
            try
            {
                T result = await read().ConfigureAwait(false);
                if (forgetResult(result))
                {
                    Forget(entries, name, entry!);
                }

                return result;
            }
            catch
            {
                Forget(entries, name, entry!);
                throw;
            }
        });
        return entries.GetOrAdd(name, entry).Value;
    }

    /// <summary>Removes the entry only if it is still this one, not a later read's.</summary>
    private static void Forget<T>(ConcurrentDictionary<string, Lazy<Task<T>>> entries, string name, Lazy<Task<T>> entry) =>
        ((ICollection<KeyValuePair<string, Lazy<Task<T>>>>)entries).Remove(new KeyValuePair<string, Lazy<Task<T>>>(name, entry));

    private static string Name(string registry, string repository, string digest) => registry.ToLowerInvariant() + "/" + repository + "@" + digest;
}
