using System;
using System.Collections.Generic;
using System.Linq;
using ContainerCache.Hashing;

namespace ContainerCache.Keys;

/// <summary>
/// The key of a multi-platform publish's image index: derived from its platform images' keys only,
/// so it changes exactly when one of them does, or when a platform is added or removed. Each
/// platform key already covers everything that goes into that platform's image.
/// </summary>
internal static class IndexKey
{
    /// <remarks>1: the first. Encoding in docs/key-format.md.</remarks>
    public const uint FormatVersion = 1;

    private const string Magic = "ContainerCache.IndexKey";

    /// <param name="platformKeys">Each platform's runtime identifier and the key of its image.</param>
    /// <exception cref="ArgumentException">No platform, a runtime identifier given twice, or a key that is not a key.</exception>
    public static string Compute(IEnumerable<KeyValuePair<string, string>> platformKeys)
    {
        List<KeyValuePair<string, string>> platforms = platformKeys.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        if (platforms.Count == 0)
        {
            throw new ArgumentException("An image index needs at least one platform image.", nameof(platformKeys));
        }

        for (int i = 0; i < platforms.Count; i++)
        {
            if (i > 0 && platforms[i].Key == platforms[i - 1].Key)
            {
                throw new ArgumentException($"The runtime identifier {platforms[i].Key} is given twice.", nameof(platformKeys));
            }

            if (!IsKey(platforms[i].Value))
            {
                throw new ArgumentException($"The key of {platforms[i].Key}, '{platforms[i].Value}', is not 32 lowercase hex characters.", nameof(platformKeys));
            }
        }

        var encoder = new CanonicalEncoder();
        encoder.WriteString(Magic);
        encoder.WriteUInt32(FormatVersion);
        encoder.WriteUInt32((uint)platforms.Count);
        foreach (KeyValuePair<string, string> platform in platforms)
        {
            encoder.WriteString(platform.Key);
            encoder.WriteString(platform.Value);
        }

        return ContentKey.Hex(encoder.Hash());
    }

    private static bool IsKey(string value) =>
        value.Length == 32 && value.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
