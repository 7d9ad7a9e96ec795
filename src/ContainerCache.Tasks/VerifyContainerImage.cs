using System;
using System.Collections.Generic;
using System.Linq;
using ContainerCache.Diagnostics;
using ContainerCache.Registry;
using Microsoft.Build.Framework;

namespace ContainerCache.Tasks;

/// <summary>
/// Fails unless the image a manifest or deployment names is the one the current sources build: it
/// carries their key as its label and everything else its manifest and config say agrees (see
/// <see cref="ImageCheck"/>); for an image index, one of its platform images does.
/// </summary>
public sealed class VerifyContainerImage : ContainerCacheTask
{
    /// <summary>REGISTRY/REPOSITORY:TAG or REGISTRY/REPOSITORY@DIGEST.</summary>
    public string Image { get; set; } = "";

    [Required]
    public string Key { get; set; } = "";

    /// <summary>The tag an image built from the current sources is pushed under.</summary>
    public string KeyTag { get; set; } = "";

    /// <summary>
    /// In a multi-platform publish's inner build: the platform whose image is checked, and whose
    /// key <see cref="Key"/> is. An index must list one image for it, carrying that key, and no
    /// platform outside <see cref="RuntimeIdentifiers"/>; a single image of another platform is
    /// left to that platform's build (<see cref="Checked"/> is false).
    /// </summary>
    public string RuntimeIdentifier { get; set; } = "";

    /// <summary>Every platform the current sources build (ContainerRuntimeIdentifiers), separated by ';' or ','.</summary>
    public string RuntimeIdentifiers { get; set; } = "";

    /// <summary>Whether an image of this platform was found and verified.</summary>
    [Output]
    public bool Checked { get; private set; }

    protected override void ExecuteCore()
    {
        if (Image.Length == 0)
        {
            throw new ContainerCacheException(DiagnosticMessages.VerifyImageEmpty.With());
        }

        ImageReference reference;
        try
        {
            reference = ImageReference.Parse(Image);
        }
        catch (FormatException e)
        {
            throw new ContainerCacheException(DiagnosticMessages.VerifyImageInvalid.With(e.Message));
        }

        if (!KeyCoversBaseDigest(Key, out string baseImage))
        {
            throw new ContainerCacheException(DiagnosticMessages.VerifyKeyWithoutBaseDigest.With(Image, Key, baseImage));
        }

        StoredImage? match;
        string found;
        try
        {
            using RegistryClient client = CreateRegistryClient(reference.Registry, RegistryUse.PullFromOutput);
            Manifest manifest = client.GetManifestAsync(reference.Repository, reference.Reference).GetAwaiter().GetResult()
                ?? throw new ContainerCacheException(DiagnosticMessages.ImageMissing.With(Image));
            IReadOnlyList<StoredImage> images = ImageCache.ReadImagesAsync(client, reference.Repository, manifest).GetAwaiter().GetResult();
            if (RuntimeIdentifier.Length > 0)
            {
                images = PlatformImages(manifest, images);
                if (images.Count == 0)
                {
                    return;
                }
            }

            // The label first: only an image that claims the key is checked against the base and the settings.
            var findings = images.Select(i => (Image: i, WhyNot: i.Key == Key ? WhyNotThisPublish(i, Key, reference.Registry) : null)).ToList();
            match = findings.FirstOrDefault(f => f.Image.Key == Key && f.WhyNot is null).Image;
            found = images.Count == 0
                ? "no image"
                : string.Join(", ", findings.Select(f => f.Image.Platform + ": " + (f.Image.Key is null ? "no key label" : f.Image.Key != Key ? "key " + f.Image.Key : $"the key label, but {f.WhyNot}")));
        }
        catch (RegistryException e)
        {
            throw new ContainerCacheException(DiagnosticMessages.ImageUnreadable.With(Image, e.Message));
        }

        if (match is null)
        {
            throw new ContainerCacheException(DiagnosticMessages.ImageKeyMismatch.With(Image, Key, found, KeyTag.Length == 0 ? Key : KeyTag));
        }

        Checked = true;
        Log.LogMessage(MessageImportance.High, "ContainerCache: verified: {0} ({1}, {2}) carries the key {3} of the current sources.", Image, match.Platform, match.Manifest.Digest, Key);
    }

    /// <summary>
    /// Of the images at the reference, those of <see cref="RuntimeIdentifier"/>'s platform; an index
    /// that lists a platform the current sources do not build, or not this one, fails.
    /// </summary>
    private IReadOnlyList<StoredImage> PlatformImages(Manifest manifest, IReadOnlyList<StoredImage> images)
    {
        string Name((string Os, string Architecture)? platform) => platform is null ? "" : platform.Value.Os + "/" + platform.Value.Architecture;
        string own = Name(ImageCheck.Platform(RuntimeIdentifier));
        var mine = images.Where(i => i.Platform == own).ToList();
        if (!manifest.IsIndex)
        {
            if (mine.Count == 0)
            {
                Log.LogMessage(MessageImportance.Low, "ContainerCache: {0} is an image for {1}, not {2} ({3}); that platform's build checks it.", Image, images.Count == 0 ? "no platform" : images[0].Platform, own, RuntimeIdentifier);
            }

            return mine;
        }

        var built = new HashSet<string>(
            RuntimeIdentifiers.Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries).Select(r => Name(ImageCheck.Platform(r.Trim()))),
            StringComparer.Ordinal);
        string[] others = images.Select(i => i.Platform).Where(p => !built.Contains(p)).Distinct(StringComparer.Ordinal).ToArray();
        if (others.Length > 0)
        {
            throw new ContainerCacheException(DiagnosticMessages.IndexListsOtherPlatforms.With(Image, string.Join(", ", others), RuntimeIdentifiers));
        }

        if (mine.Count != 1)
        {
            throw new ContainerCacheException(mine.Count == 0
                ? DiagnosticMessages.IndexListsNoImageOfPlatform.With(Image, own, RuntimeIdentifier, Key)
                : DiagnosticMessages.IndexListsImagesOfPlatform.With(Image, mine.Count, own, RuntimeIdentifier, Key));
        }

        return mine;
    }
}
