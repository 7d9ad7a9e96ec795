using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ContainerCache.Diagnostics;
using ContainerCache.Registry;
using Microsoft.Build.Framework;

namespace ContainerCache.Tasks;

/// <summary>
/// Looks the key up in the registry the image is pushed to. On a hit (the key's tag exists, its image
/// carries this key as its label, and everything else its manifest and config say agrees with this
/// publish: see <see cref="ImageCheck"/>) points every requested tag at that image and returns it as
/// the SDK would have; nothing is built or uploaded. A registry fault is a warning and a miss.
/// </summary>
public sealed class ReuseContainerImage : ReuseTask
{
    [Required]
    public string Registry { get; set; } = "";

    [Required]
    public string KeyTag { get; set; } = "";

    protected override void ExecuteCore()
    {
        RequireRegistry(Registry, "ContainerRegistry");
        RequireRepository(Repository, "ContainerRepository");
        string image = $"{Registry}/{Repository}";
        if (!CanSelectImage())
        {
            return;
        }

        using RegistryClient client = CreateRegistryClient(Registry, RegistryUse.Push);
        string[] tags = RequestedTags.Where(t => t != KeyTag).ToArray();

        // What a hit needs besides the key's image is read beside it, not after it: the base image the
        // check compares with (from the start: a base in another registry, or an index, takes two reads),
        // and, once the key's tag is found, where the requested tags point now.
        StartBaseImageRead(Key, Registry);
        Task<IReadOnlyDictionary<string, string?>>? current = null;
        CacheLookup lookup;
        try
        {
            lookup = ImageCache.LookupAsync(
                client,
                Repository,
                KeyTag,
                Key,
                found => WhyNotThisPublish(found, Key, Registry),
                _ => current = tags.Length == 0 ? null : ImageCache.CurrentDigestsAsync(client, Repository, tags)).GetAwaiter().GetResult();
        }
        catch (RegistryException e)
        {
            Report(DiagnosticMessages.RegistryLookupFailed.With(Key, image, e.Message));
            return;
        }

        if (!lookup.IsHit)
        {
            Log.LogMessage(MessageImportance.High, "ContainerCache: miss: {0}; building the image.{1}", lookup.Reason, DescribeCurrentImage(client, image));
            return;
        }

        StoredImage found = lookup.Image!;

        // A tag that names the image already is not pushed again: an unchanged republish writes nothing.
        IReadOnlyDictionary<string, string?> now = current?.GetAwaiter().GetResult() ?? new Dictionary<string, string?>();
        string[] named = tags.Where(t => now.TryGetValue(t, out string? digest) && digest == found.Manifest.Digest).ToArray();
        string[] toTag = tags.Except(named, StringComparer.Ordinal).ToArray();
        try
        {
            ImageCache.TagAsync(client, Repository, found, toTag).GetAwaiter().GetResult();
        }
        catch (RegistryException e)
        {
            Report(DiagnosticMessages.RegistryTagFailed.With(Key, image, e.Message));
            return;
        }

        SetHit(found, tags.Prepend(KeyTag).Select(t => $"{image}:{t}"));
        Log.LogMessage(
            MessageImportance.High,
            "ContainerCache: hit: {0}:{1} is {2} with key {3}; nothing built or uploaded{4}{5}.",
            image,
            KeyTag,
            found.Manifest.Digest,
            Key,
            toTag.Length == 0 ? "" : "; tagged " + string.Join(", ", toTag),
            named.Length == 0 ? "" : "; " + string.Join(", ", named) + (named.Length == 1 ? " names" : " name") + " it already");
    }

    /// <summary>On a miss, what the first requested tag names now, so that logs show both keys. Best effort.</summary>
    private string DescribeCurrentImage(RegistryClient client, string image)
    {
        string? tag = RequestedTags.FirstOrDefault(t => t != KeyTag);
        if (tag is null)
        {
            return "";
        }

        try
        {
            Manifest? manifest = client.GetManifestAsync(Repository, tag).GetAwaiter().GetResult();
            if (manifest is null)
            {
                return $" {image}:{tag} does not exist yet.";
            }

            string[] keys = ImageCache.ReadImagesAsync(client, Repository, manifest).GetAwaiter().GetResult()
                .Select(i => i.Key ?? "(none)").Distinct(StringComparer.Ordinal).ToArray();
            return $" {image}:{tag} is now the image with key {string.Join(", ", keys)}, built from other inputs.";
        }
        catch (RegistryException e)
        {
            Log.LogMessage(MessageImportance.Low, "ContainerCache: {0}:{1} could not be read: {2}", image, tag, e.Message);
            return "";
        }
    }
}
