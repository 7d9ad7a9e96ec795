using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ContainerCache.Registry;
using ContainerCache.Results;
using Microsoft.Build.Framework;

namespace ContainerCache.Tasks;

/// <summary>
/// After the image step: writes what the publish made of an image where a pipeline reads it (the
/// results file, GitHub Actions' step outputs and summary, GitLab CI's dotenv file). Each file is
/// written to in turn by the projects of a parallel build (<see cref="SharedFile"/>).
/// </summary>
public sealed class WriteContainerCacheResults : ContainerCacheTask
{
    [Required]
    public string Project { get; set; } = "";

    public string RuntimeIdentifier { get; set; } = "";

    /// <summary>image, platform or index.</summary>
    [Required]
    public string Kind { get; set; } = "";

    public string Key { get; set; } = "";

    public bool Hit { get; set; }

    /// <summary>The registry pushed to (ContainerRegistry); empty for an archive or a local store.</summary>
    public string Registry { get; set; } = "";

    public string Repository { get; set; } = "";

    /// <summary>The archive written (ContainerArchiveOutputPath); empty otherwise.</summary>
    public string ArchivePath { get; set; } = "";

    /// <summary>The manifest's or index's digest.</summary>
    public string Digest { get; set; } = "";

    /// <summary>The manifest, for a local store's image ID (its config's digest).</summary>
    public string Manifest { get; set; } = "";

    /// <summary>The names the image was published under (REGISTRY/REPOSITORY:TAG).</summary>
    public ITaskItem[] Names { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Its tags, where the names are not known (ContainerImageTags).</summary>
    public ITaskItem[] Tags { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>What changed since the baseline (ContainerCacheChange).</summary>
    public ITaskItem[] Changes { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Relative paths are taken from the folder the build started in.</summary>
    public string BaseDirectory { get; set; } = "";

    public string ResultsFile { get; set; } = "";

    public string GitHubOutputFile { get; set; } = "";

    public string GitHubStepSummaryFile { get; set; } = "";

    public string DotenvFile { get; set; } = "";

    protected override void ExecuteCore()
    {
        ImageKind kind = Kind switch
        {
            "platform" => ImageKind.Platform,
            "index" => ImageKind.Index,
            _ => ImageKind.Image,
        };
        ImageDestination destination = ArchivePath.Length > 0 ? ImageDestination.Archive
            : Registry.Length > 0 ? ImageDestination.Registry
            : ImageDestination.LocalStore;
        string archive = ArchivePath.Length == 0 ? "" : FullPath(ArchivePath);

        // An index's digest is that of the bytes the SDK pushed: the text it returns (GeneratedImageIndex).
        string digest = Digest.Length == 0 && kind == ImageKind.Index && Manifest.Length > 0
            ? RegistryClient.Sha256Digest(new UTF8Encoding(false).GetBytes(Manifest))
            : Digest;
        var result = new ImageResult(
            Project,
            kind == ImageKind.Index ? "" : RuntimeIdentifier,
            kind,
            Key,
            Hit,
            destination,
            ResultFormat.IdentifyImage(destination, Registry, Repository, digest, Manifest, archive),
            digest,
            ResultFormat.TagsOf(Names.Select(n => n.ItemSpec)).Concat(Tags.Select(t => t.ItemSpec)),
            Changes.Select(c => c.ItemSpec));
        IReadOnlyList<ImageResult> results = new[] { result };

        Write(ResultsFile, "ContainerCacheResultsFile", path => SharedFile.Append(path, "ContainerCacheResultsFile", _ => ResultFormat.JsonLine(result)));
        Write(GitHubOutputFile, "GITHUB_OUTPUT", path => SharedFile.Append(path, "GITHUB_OUTPUT", existing => ResultFormat.GitHubOutputs(existing, results)));
        Write(GitHubStepSummaryFile, "GITHUB_STEP_SUMMARY", path => SharedFile.Append(path, "GITHUB_STEP_SUMMARY", existing => ResultFormat.SummaryRows(existing, results)));
        Write(DotenvFile, "ContainerCacheGitLabDotenvFile", path => SharedFile.Replace(path, "ContainerCacheGitLabDotenvFile", existing => ResultFormat.Dotenv(existing, results)));
        LogOutput("Result", ResultFormat.JsonLine(result).TrimEnd('\n'));
    }

    private void Write(string file, string setting, Action<string> write)
    {
        if (file.Length == 0)
        {
            return;
        }

        string path = FullPath(file);
        write(path);
        LogOutput(setting, path);
    }

    private string FullPath(string path) =>
        Path.GetFullPath(BaseDirectory.Length == 0 ? path : Path.Combine(BaseDirectory, path));
}
