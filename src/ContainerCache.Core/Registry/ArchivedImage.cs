using System.Collections.Generic;

namespace ContainerCache.Registry;

/// <summary>The image in an archive and the names (<c>repository:tag</c>) it is stored under.</summary>
internal sealed class ArchivedImage
{
    public ArchivedImage(StoredImage image, IReadOnlyList<string> names, IReadOnlyList<string> blobEntries)
    {
        Image = image;
        Names = names;
        BlobEntries = blobEntries;
    }

    public StoredImage Image { get; }
    public IReadOnlyList<string> Names { get; }

    /// <summary>The archive's entries that hold the image's manifest, config and layers, each named by its digest.</summary>
    public IReadOnlyList<string> BlobEntries { get; }
}
