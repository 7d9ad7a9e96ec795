using System;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using ContainerCache.Diagnostics;
using ContainerCache.PublishOutput;

namespace ContainerCache.Hashing;

/// <summary>
/// The documented normalisations: build-time noise that well-known .NET build steps record inside
/// shipped files, where the SDK offers no way to make the build deterministic. A normalisation
/// removes only that noise; every other byte of the file still counts.
/// </summary>
internal static class ContentNormalization
{
    /// <summary>
    /// ASP.NET Core's static web assets manifest (<c>*.staticwebassets.endpoints.json</c>) records
    /// each asset file's modification time as a <c>Last-Modified</c> response header, so two clean
    /// publishes of the same app differ. The values are blanked before hashing; the content-based
    /// <c>ETag</c>, length and fingerprint of each asset stay in.
    /// </summary>
    public const string StaticWebAssetsLastModified = "staticWebAssetsLastModified";

    private const string StaticWebAssetsEndpointsSuffix = ".staticwebassets.endpoints.json";

    // Latin-1 maps each byte to one char and back, so the text round trip keeps every byte that the
    // pattern (plain ASCII) does not replace, valid UTF-8 or not.
    private static readonly Encoding ByteForByte = Encoding.GetEncoding(28591);

    private static readonly Regex LastModified = new(
        "\"Name\"\\s*:\\s*\"Last-Modified\"\\s*,\\s*\"Value\"\\s*:\\s*\"[^\"]*\"",
        RegexOptions.CultureInvariant);

    /// <summary>The normalisation for a file, by its path in the layer, or null.</summary>
    public static string? For(string relativePath) =>
        relativePath.EndsWith(StaticWebAssetsEndpointsSuffix, StringComparison.OrdinalIgnoreCase) ? StaticWebAssetsLastModified : null;

    /// <summary>
    /// The bound on a file normalised in memory: a manifest is about a kilobyte per endpoint, so
    /// this is tens of thousands of assets. Normalising holds about six times the file's size.
    /// </summary>
    public const int MaxBytes = SmallFile.DefaultLimit;

    /// <summary>Reads the file and returns its normalised bytes.</summary>
    /// <param name="file">The file's path, for the error above <see cref="MaxBytes"/>.</param>
    public static byte[] Apply(string normalization, Stream content, string? file = null)
    {
        if (normalization != StaticWebAssetsLastModified)
        {
            throw new ArgumentOutOfRangeException(nameof(normalization), normalization, "Unknown normalisation.");
        }

        byte[] bytes = SmallFile.ReadAll(content, MaxBytes) ?? throw new ContainerCacheException(
            DiagnosticMessages.StaticWebAssetsManifestTooLarge.With(file ?? "(a stream)", SmallFile.Describe(MaxBytes)));
        string text = ByteForByte.GetString(bytes);
        return ByteForByte.GetBytes(LastModified.Replace(text, "\"Name\":\"Last-Modified\",\"Value\":\"\""));
    }
}
