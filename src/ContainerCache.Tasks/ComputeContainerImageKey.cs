using ContainerCache.Diagnostics;
using ContainerCache.Keys;
using Microsoft.Build.Framework;

namespace ContainerCache.Tasks;

/// <summary>
/// The image's key, before the SDK builds an image: the key this build computed after Publish
/// (<see cref="ComputeContainerCacheKey"/>, which keyed the base image by its name, offline), with
/// the digest the base image's tag resolves to at its registry. The same entries and settings, taken
/// from that computation, not from a second list of inputs; the key file written again, and the
/// changes said again only if they differ.
/// </summary>
public sealed class ComputeContainerImageKey : KeyTask
{
    /// <summary>The key file the publish's key was written to: which computation of this build to start from.</summary>
    [Required]
    public string KeyFile { get; set; } = "";

    /// <summary>The publish's key, returned as it is when there is nothing to add to it.</summary>
    public string PublishKey { get; set; } = "";

    /// <summary>The publish's key's tag, returned with it.</summary>
    public string PublishTag { get; set; } = "";

    protected override void ExecuteCore()
    {
        Key = PublishKey;
        Tag = PublishTag;
        ComputedKey? publishKey = ComputedKeys.Find(BuildEngine, KeyFile);
        if (publishKey is null || publishKey.Result.Key.Key != PublishKey)
        {
            // Only when the publish's key failed, or in a host that keeps no task objects: the key
            // stays the one by name, which no reuse trusts (it does not cover the base's digest).
            Log.LogMessage(MessageImportance.Normal, "ContainerCache: no key of this build for {0}, so the image's key is {1}, by the base image's name.", Printable.Of(KeyFile), Printable.Of(PublishKey));
            return;
        }

        KeyResult result = publishKey.Result;
        string digest = ResolveBaseDigest(result.Settings, publishKey.OutputRegistry);
        if (digest.Length == 0)
        {
            // Unresolved (warned) or no base image: the publish's key is the image's, already said.
            ChangedInputs = ChangedItems(result);
            return;
        }

        KeyResult image = KeyComputation.WithBaseDigest(result, digest);
        ReportKey(image);
    }
}
