using System;
using System.Collections.Generic;
using System.Linq;
using ContainerCache.Registry;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ContainerCache.Tasks;

/// <summary>
/// What the reuse tasks share: the image to look for, and on a hit, the outputs the SDK's image
/// step would have returned for it.
/// </summary>
public abstract class ReuseTask : ContainerCacheTask
{
    [Required]
    public string Repository { get; set; } = "";

    [Required]
    public string Key { get; set; } = "";

    /// <summary>The tags the image is published under (ContainerImageTags).</summary>
    public ITaskItem[] Tags { get; set; } = Array.Empty<ITaskItem>();

    [Output]
    public bool Hit { get; private set; }

    [Output]
    public string ManifestDigest { get; private set; } = "";

    [Output]
    public string Manifest { get; private set; } = "";

    [Output]
    public string Configuration { get; private set; } = "";

    [Output]
    public string MediaType { get; private set; } = "";

    /// <summary>The names the image now has from this publish.</summary>
    [Output]
    public ITaskItem[] Names { get; private set; } = Array.Empty<ITaskItem>();

    protected IEnumerable<string> RequestedTags => Tags.Select(t => t.ItemSpec).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// Only a key that covers the base image's digest can select a stored image: with the base named
    /// by tag only, an image built on an older base under that tag would carry the same key.
    /// </summary>
    protected bool CanSelectImage()
    {
        if (KeyCoversBaseDigest(Key, out string baseImage))
        {
            return true;
        }

        Log.LogMessage(
            MessageImportance.High,
            "ContainerCache: not reused: the key {0} covers the base image {1} by name only, not by digest, so no stored image can be shown to be built on the current base; building the image.",
            Key,
            baseImage.Length == 0 ? "(unknown)" : baseImage);
        return false;
    }

    private protected void SetHit(StoredImage image, IEnumerable<string> names)
    {
        Hit = true;
        ManifestDigest = image.Manifest.Digest;
        Manifest = image.Manifest.Digest.Length == 0 ? "" : image.Manifest.Text;
        Configuration = image.ConfigText;
        MediaType = image.Manifest.MediaType;
        Names = names.Select(n => (ITaskItem)new TaskItem(n)).ToArray();
    }
}
