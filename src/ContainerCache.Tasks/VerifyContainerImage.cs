using System;
using System.Collections.Generic;
using System.Linq;
using ContainerCache.Registry;
using Microsoft.Build.Framework;

namespace ContainerCache.Tasks;

/// <summary>
/// Fails unless the image a manifest or deployment names carries the key of the current sources:
/// its label, or for an image index, the label of one of its platform images.
/// </summary>
public sealed class VerifyContainerImage : ContainerCacheTask
{
    /// <summary>REGISTRY/REPOSITORY:TAG or REGISTRY/REPOSITORY@DIGEST.</summary>
    public string Image { get; set; } = "";

    [Required]
    public string Key { get; set; } = "";

    /// <summary>The tag an image built from the current sources is pushed under.</summary>
    public string KeyTag { get; set; } = "";

    protected override void ExecuteCore()
    {
        if (Image.Length == 0)
        {
            throw new ContainerCacheException(
                DiagnosticCodes.InvalidPropertyValue,
                "ContainerCacheVerifyImage is empty; set it to the image to check, as REGISTRY/REPOSITORY:TAG.");
        }

        ImageReference reference;
        try
        {
            reference = ImageReference.Parse(Image);
        }
        catch (FormatException e)
        {
            throw new ContainerCacheException(DiagnosticCodes.InvalidPropertyValue, $"ContainerCacheVerifyImage: {e.Message}");
        }

        IReadOnlyList<StoredImage> images;
        try
        {
            using RegistryClient client = CreateRegistryClient(reference.Registry, RegistryUse.PullFromOutput);
            Manifest manifest = client.GetManifestAsync(reference.Repository, reference.Reference).GetAwaiter().GetResult()
                ?? throw new ContainerCacheException(DiagnosticCodes.ImageUnreadable, $"The image {Image} named by ContainerCacheVerifyImage does not exist.");
            images = ImageCache.ReadImagesAsync(client, reference.Repository, manifest).GetAwaiter().GetResult();
        }
        catch (RegistryException e)
        {
            throw new ContainerCacheException(DiagnosticCodes.ImageUnreadable, $"The image {Image} named by ContainerCacheVerifyImage could not be read, so it cannot be verified: {e.Message}");
        }

        StoredImage? match = images.FirstOrDefault(i => i.Key == Key);
        if (match is null)
        {
            string found = images.Count == 0
                ? "no image"
                : string.Join(", ", images.Select(i => i.Platform + ": " + (i.Key is null ? "no key label" : "key " + i.Key)));
            throw new ContainerCacheException(
                DiagnosticCodes.ImageKeyMismatch,
                $"The image {Image} does not carry the key of the current sources, {Key}; it has {found}. It was built from other inputs: publish the current sources, or point the deployment at the image tagged {(KeyTag.Length == 0 ? Key : KeyTag)}.");
        }

        Log.LogMessage(MessageImportance.High, "ContainerCache: verified: {0} ({1}, {2}) carries the key {3} of the current sources.", Image, match.Platform, match.Manifest.Digest, Key);
    }
}
