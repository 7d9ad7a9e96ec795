using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ContainerCache.Keys;

namespace ContainerCache.Registry;

/// <summary>
/// The registry as a cache: an image is reused only when the manifest under the key's tag exists
/// and its config carries the key label with this very key. A tag alone is never trusted.
/// </summary>
internal static class ImageCache
{
    /// <summary>The most platform images of an index that <see cref="ReadImagesAsync"/> reads.</summary>
    public const int MaxPlatformImages = 32;

    /// <param name="whyNot">
    /// Why an image labelled with the key is still not the one this publish builds (see
    /// <see cref="ImageCheck"/>), or null when it is.
    /// </param>
    /// <param name="found">
    /// Called when the key's tag names an image manifest, before its config is read: a caller starts
    /// there what only a likely hit needs, so that it runs beside the config's read.
    /// </param>
    /// <exception cref="RegistryException">The registry could not answer the question.</exception>
    public static async Task<CacheLookup> LookupAsync(
        RegistryClient client, string repository, string keyTag, string key, Func<StoredImage, string?> whyNot, Action<Manifest>? found = null)
    {
        Manifest? manifest = await client.GetManifestAsync(repository, keyTag).ConfigureAwait(false);
        if (manifest is null)
        {
            return CacheLookup.Miss($"{client.Registry}/{repository} has no tag {keyTag}");
        }

        if (manifest.IsIndex)
        {
            return CacheLookup.Miss($"{client.Registry}/{repository}:{keyTag} is an image index, not one image");
        }

        found?.Invoke(manifest);
        StoredImage image = await ReadImageAsync(client, repository, manifest).ConfigureAwait(false);
        if (image.Key is null)
        {
            return CacheLookup.Miss($"{client.Registry}/{repository}:{keyTag} exists but has no {ImageSettings.KeyLabel} label, so it is not trusted");
        }

        if (image.Key != key)
        {
            return CacheLookup.Miss($"{client.Registry}/{repository}:{keyTag} exists but is labelled with the key {image.Key}, not {key}", image.Key);
        }

        string? reason = whyNot(image);
        return reason is null
            ? CacheLookup.Hit(image)
            : CacheLookup.Miss($"{client.Registry}/{repository}:{keyTag} is labelled with the key, but {reason}, so it is not trusted");
    }

    /// <summary>
    /// The image for one platform at <paramref name="reference"/>: the manifest itself, or the entry
    /// of an index for <paramref name="platform"/>; null when the index has no single such entry.
    /// </summary>
    public static async Task<StoredImage?> ReadPlatformImageAsync(RegistryClient client, string repository, string reference, (string Os, string Architecture)? platform)
    {
        Manifest manifest = await client.GetManifestAsync(repository, reference).ConfigureAwait(false)
            ?? throw new RegistryException($"{client.Registry} has no image {repository}@{reference}.");
        if (manifest.IsIndex)
        {
            var entries = (Json.GetArray(manifest.Json, "manifests") ?? new List<object?>())
                .Where(e => platform is not null
                    && Json.GetString(e, "platform", "os") == platform.Value.Os
                    && Json.GetString(e, "platform", "architecture") == platform.Value.Architecture)
                .Select(e => Json.GetString(e, "digest"))
                .Distinct()
                .ToList();
            if (entries.Count != 1 || entries[0] is null)
            {
                return null;
            }

            manifest = await client.GetManifestAsync(repository, entries[0]!).ConfigureAwait(false)
                ?? throw new RegistryException($"{client.Registry} lists {repository}@{entries[0]} but does not have it.");
            if (manifest.IsIndex)
            {
                return null;
            }
        }

        return await ReadImageAsync(client, repository, manifest).ConfigureAwait(false);
    }

    /// <summary>Reads the image a manifest names, or, for an index, each platform image it lists.</summary>
    public static async Task<IReadOnlyList<StoredImage>> ReadImagesAsync(RegistryClient client, string repository, Manifest manifest)
    {
        if (!manifest.IsIndex)
        {
            return new[] { await ReadImageAsync(client, repository, manifest).ConfigureAwait(false) };
        }

        var images = new List<StoredImage>();
        foreach (object? entry in (Json.GetArray(manifest.Json, "manifests") ?? new List<object?>()).Take(MaxPlatformImages))
        {
            string? digest = Json.GetString(entry, "digest");
            Manifest? platform = digest is null ? null : await client.GetManifestAsync(repository, digest).ConfigureAwait(false);
            if (platform is not null && !platform.IsIndex && StoredImage.ConfigDigest(platform) is not null)
            {
                images.Add(await ReadImageAsync(client, repository, platform).ConfigureAwait(false));
            }
        }

        return images;
    }

    /// <summary>Points every tag at the image; the repository already holds its blobs.</summary>
    public static async Task TagAsync(RegistryClient client, string repository, StoredImage image, IEnumerable<string> tags)
    {
        foreach (string tag in tags.Distinct(StringComparer.Ordinal))
        {
            await client.PutManifestAsync(repository, tag, image.Manifest).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The digest each tag names now (HEAD requests, side by side), or null for a tag that is missing
    /// or whose answer names no digest, or for every tag when a request fails: such a tag is pushed.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string?>> CurrentDigestsAsync(RegistryClient client, string repository, IReadOnlyList<string> tags)
    {
        var current = new Dictionary<string, string?>(StringComparer.Ordinal);
        try
        {
            string?[] digests = await Task.WhenAll(tags.Select(t => client.GetManifestDigestAsync(repository, t))).ConfigureAwait(false);
            for (int i = 0; i < tags.Count; i++)
            {
                current[tags[i]] = digests[i];
            }
        }
        catch (RegistryException)
        {
            // Not knowing costs a PUT, nothing else.
        }

        return current;
    }

    private static async Task<StoredImage> ReadImageAsync(RegistryClient client, string repository, Manifest manifest)
    {
        string configDigest = StoredImage.ConfigDigest(manifest)
            ?? throw new RegistryException($"The manifest {manifest.Digest} in {client.Registry}/{repository} names no config.");
        byte[] config = await client.GetBlobAsync(repository, configDigest).ConfigureAwait(false);
        return new StoredImage(manifest, config);
    }
}
