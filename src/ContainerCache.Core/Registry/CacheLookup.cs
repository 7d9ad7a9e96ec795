namespace ContainerCache.Registry;

/// <summary>The answer of a cache lookup: a hit with the image, or a miss with the reason.</summary>
internal sealed class CacheLookup
{
    private CacheLookup(StoredImage? image, string reason)
    {
        Image = image;
        Reason = reason;
    }

    public bool IsHit => Image is not null;
    public StoredImage? Image { get; }
    public string Reason { get; }

    /// <summary>The key of the image found under the key tag when it was not this key's, else null.</summary>
    public string? OtherKey { get; private set; }

    public static CacheLookup Hit(StoredImage image) => new(image, "");
    public static CacheLookup Miss(string reason, string? otherKey = null) => new(null, reason) { OtherKey = otherKey };
}
