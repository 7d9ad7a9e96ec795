using System;
using System.Collections.Generic;
using System.Linq;

namespace ContainerCache.Results;

/// <summary>What a publish made of one image: a line of the results file, a row of the step summary.</summary>
internal sealed class ImageResult
{
    /// <summary>The results file's schema version, its first field; raised only when a field changes meaning or goes away.</summary>
    public const int SchemaVersion = 1;

    public ImageResult(
        string project,
        string runtimeIdentifier,
        ImageKind kind,
        string key,
        bool hit,
        ImageDestination destination,
        string image,
        string digest,
        IEnumerable<string> tags,
        IEnumerable<string> changes)
    {
        Project = project;
        RuntimeIdentifier = runtimeIdentifier;
        Kind = kind;
        Key = key;
        Hit = hit;
        Destination = destination;
        Image = image;
        Digest = digest;
        Tags = tags.Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        Changes = changes.Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The project's name (MSBuildProjectName).</summary>
    public string Project { get; }

    /// <summary>The image's platform as a RID; empty for an image index.</summary>
    public string RuntimeIdentifier { get; }

    public ImageKind Kind { get; }

    /// <summary>The content key; empty where there is none (an index, until indexes are keyed).</summary>
    public string Key { get; }

    /// <summary>True when the image stored for the key was reused, false when it was built.</summary>
    public bool Hit { get; }

    public ImageDestination Destination { get; }

    /// <summary>What identifies the image where it went: REGISTRY/REPOSITORY@DIGEST, the archive's path, or the local image ID.</summary>
    public string Image { get; }

    /// <summary>The manifest's (or index's) digest, sha256:...; empty when the SDK did not say.</summary>
    public string Digest { get; }

    public IReadOnlyList<string> Tags { get; }

    /// <summary>What changed since the baseline, names only (as ContainerCacheExplain lists them).</summary>
    public IReadOnlyList<string> Changes { get; }

    /// <summary>
    /// The name the CI outputs use for this image: the project's for the image a deployment names (a
    /// single-platform image, or a multi-platform publish's index), followed by the RID for each
    /// platform image of a multi-platform publish. See <see cref="ResultFormat.OutputName"/>.
    /// </summary>
    public string OutputName => ResultFormat.OutputName(Kind == ImageKind.Platform ? Project + "-" + RuntimeIdentifier : Project);

    /// <summary>Whether a deployment names this image (a platform image of an index is named through the index).</summary>
    public bool IsDeployable => Kind != ImageKind.Platform;
}

/// <summary>Which image of a publish a result is about.</summary>
internal enum ImageKind
{
    /// <summary>The one image of a single-platform publish.</summary>
    Image,

    /// <summary>One platform's image of a multi-platform publish.</summary>
    Platform,

    /// <summary>The image index of a multi-platform publish, which names its platform images.</summary>
    Index,
}

/// <summary>Where the SDK put the image.</summary>
internal enum ImageDestination
{
    Registry,
    Archive,
    LocalStore,
}
