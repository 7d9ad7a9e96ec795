using System;
using System.Collections.Generic;
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
    /// <c>ETag</c>, length and fingerprint of each asset stay in. It also lists the endpoints of one
    /// route (an asset and its compressed forms) in an order that follows the absolute paths of the
    /// asset files, so a package's assets (Identity UI) came out in another order when the app was
    /// built in another folder; endpoints of one route are hashed sorted, each kept whole.
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
        text = LastModified.Replace(text, "\"Name\":\"Last-Modified\",\"Value\":\"\"");
        return ByteForByte.GetBytes(SortEndpointsOfEachRoute(text));
    }

    private static readonly Regex EndpointsArray = new("\"Endpoints\"\\s*:\\s*\\[", RegexOptions.CultureInvariant);

    /// <summary>
    /// Sorts, ordinally, each run of consecutive endpoints that name the same route (the SDK sorts by
    /// route already). Every endpoint's bytes and every byte between endpoints stay where they were;
    /// an <c>Endpoints</c> array that is not well-formed JSON is left as it is.
    /// </summary>
    private static string SortEndpointsOfEachRoute(string text)
    {
        Match array = EndpointsArray.Match(text);
        List<(int Start, int End, object? Value)>? elements = array.Success ? Json.TryReadArrayElements(text, array.Index + array.Length - 1) : null;
        if (elements is null || elements.Count < 2)
        {
            return text;
        }

        var values = new string[elements.Count];
        var routes = new string?[elements.Count];
        for (int i = 0; i < elements.Count; i++)
        {
            values[i] = text.Substring(elements[i].Start, elements[i].End - elements[i].Start);
            routes[i] = Json.GetString(elements[i].Value, "Route");
        }

        for (int first = 0; first < values.Length;)
        {
            int last = first + 1;
            while (last < values.Length && routes[first] is not null && routes[last] == routes[first])
            {
                last++;
            }

            Array.Sort(values, first, last - first, StringComparer.Ordinal);
            first = last;
        }

        var result = new StringBuilder(text.Length);
        int copied = 0;
        for (int i = 0; i < elements.Count; i++)
        {
            result.Append(text, copied, elements[i].Start - copied).Append(values[i]);
            copied = elements[i].End;
        }

        return result.Append(text, copied, text.Length - copied).ToString();
    }
}
