using System.Text.RegularExpressions;

namespace ContainerCache.Keys;

/// <summary>The registry tag grammar of the OCI distribution spec.</summary>
internal static class ImageTag
{
    private static readonly Regex Grammar = new(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\z", RegexOptions.CultureInvariant);

    public static bool IsValid(string tag) => Grammar.IsMatch(tag);
}
