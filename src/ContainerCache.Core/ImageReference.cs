using System;

namespace ContainerCache;

/// <summary>
/// An image reference as users write it: <c>[REGISTRY/]REPOSITORY[:TAG][@DIGEST]</c>, read the way
/// docker and the SDK read it (a first part with '.' or ':', or <c>localhost</c>, is a registry;
/// otherwise the image is on Docker Hub).
/// </summary>
public sealed class ImageReference
{
    public const string DockerHub = "docker.io";

    public ImageReference(string registry, string repository, string? tag, string? digest)
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
    }

    public string Registry { get; }
    public string Repository { get; }
    public string? Tag { get; }
    public string? Digest { get; }

    /// <summary>The digest when there is one, else the tag, else <c>latest</c>.</summary>
    public string Reference => Digest ?? Tag ?? "latest";

    public override string ToString() =>
        Registry + "/" + Repository + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    /// <exception cref="FormatException">The text is not an image reference.</exception>
    public static ImageReference Parse(string text)
    {
        string rest = text.Trim();
        string? digest = null;
        int at = rest.IndexOf('@');
        if (at >= 0)
        {
            digest = rest.Substring(at + 1);
            rest = rest.Substring(0, at);
            if (!IsDigest(digest))
            {
                throw new FormatException($"'{text}' has a malformed digest '{digest}'.");
            }
        }

        string? tag = null;
        int colon = rest.LastIndexOf(':');
        if (colon > rest.LastIndexOf('/'))
        {
            tag = rest.Substring(colon + 1);
            rest = rest.Substring(0, colon);
            if (!ImageTag.IsValid(tag))
            {
                throw new FormatException($"'{text}' has an invalid tag '{tag}'.");
            }
        }

        string registry = DockerHub;
        int slash = rest.IndexOf('/');
        if (slash > 0)
        {
            string first = rest.Substring(0, slash);
            if (first.IndexOf('.') >= 0 || first.IndexOf(':') >= 0 || first == "localhost")
            {
                registry = first;
                rest = rest.Substring(slash + 1);
            }
        }

        if (registry == DockerHub && rest.IndexOf('/') < 0)
        {
            rest = "library/" + rest;
        }

        if (rest.Length == 0 || rest.StartsWith("/", StringComparison.Ordinal) || rest.EndsWith("/", StringComparison.Ordinal) || rest.ToLowerInvariant() != rest)
        {
            throw new FormatException($"'{text}' has no valid repository: write REGISTRY/REPOSITORY:TAG, in lowercase.");
        }

        return new ImageReference(registry, rest, tag, digest);
    }

    /// <summary>Whether the text is a <c>sha256:</c> digest of 64 lowercase hex characters.</summary>
    public static bool IsDigest(string? text)
    {
        if (text is null || text.Length != 71 || !text.StartsWith("sha256:", StringComparison.Ordinal))
        {
            return false;
        }

        for (int i = 7; i < text.Length; i++)
        {
            char c = text[i];
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            {
                return false;
            }
        }

        return true;
    }
}
