using System;
using System.Collections.Generic;
using System.Linq;

namespace ContainerCache.Keys;

/// <summary>
/// The container settings that the SDK writes into an image, under the names the key file uses.
/// The base image is named by reference; registry, repository and tags the image is pushed under
/// are not settings: the key identifies content, not where it is stored.
/// </summary>
internal sealed class ImageSettings
{
    public string BaseRegistry { get; set; } = "";
    public string BaseRepository { get; set; } = "";
    public string BaseTag { get; set; } = "";
    public string BaseDigest { get; set; } = "";
    public string RuntimeIdentifier { get; set; } = "";
    public string ImageFormat { get; set; } = "";
    public string WorkingDirectory { get; set; } = "";
    public string User { get; set; } = "";
    public string AppCommandInstruction { get; set; } = "";
    public string SdkVersion { get; set; } = "";
    public string GenerateLabels { get; set; } = "";
    public string GenerateBaseDigestLabel { get; set; } = "";
    public IReadOnlyList<string> Entrypoint { get; set; } = Array.Empty<string>();
    public IReadOnlyList<string> EntrypointArgs { get; set; } = Array.Empty<string>();
    public IReadOnlyList<string> AppCommand { get; set; } = Array.Empty<string>();
    public IReadOnlyList<string> AppCommandArgs { get; set; } = Array.Empty<string>();
    public IReadOnlyList<string> DefaultArgs { get; set; } = Array.Empty<string>();

    /// <summary>Labels as (name, value), in item order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; set; } = Array.Empty<KeyValuePair<string, string>>();

    /// <summary>Environment variables as (name, value), in item order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> EnvironmentVariables { get; set; } = Array.Empty<KeyValuePair<string, string>>();

    /// <summary>Ports as (number, protocol); an empty protocol means tcp, as in the SDK.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Ports { get; set; } = Array.Empty<KeyValuePair<string, string>>();

    /// <summary>
    /// Labels left out of the key: the SDK's volatile <c>created</c> labels, the commit the image
    /// was built from (metadata about the build, not content) and the package's own label.
    /// </summary>
    public static readonly IReadOnlyList<string> UnkeyedLabels = new[]
    {
        "org.opencontainers.image.created",
        "org.opencontainers.artifact.created",
        "org.opencontainers.image.revision",
        KeyLabel,
    };

    /// <summary>The image label that carries the key.</summary>
    public const string KeyLabel = "dev.containercache.key";

    /// <summary>The same settings with the base image at <paramref name="digest"/>.</summary>
    public ImageSettings WithBaseDigest(string digest)
    {
        var settings = (ImageSettings)MemberwiseClone();
        settings.BaseDigest = digest;
        return settings;
    }

    public IEnumerable<ContainerSetting> ToSettings()
    {
        yield return new ContainerSetting("base.registry", BaseRegistry);
        yield return new ContainerSetting("base.repository", BaseRepository);
        yield return new ContainerSetting("base.tag", BaseTag);
        yield return new ContainerSetting("base.digest", BaseDigest);
        yield return new ContainerSetting("platform.rid", RuntimeIdentifier);
        yield return new ContainerSetting("image.format", ImageFormat);
        yield return new ContainerSetting("sdk.version", SdkVersion);
        yield return new ContainerSetting("workingDirectory", WorkingDirectory);
        yield return new ContainerSetting("user", User);
        yield return new ContainerSetting("entrypoint", Entrypoint);
        yield return new ContainerSetting("entrypointArgs", EntrypointArgs);
        yield return new ContainerSetting("appCommand", AppCommand);
        yield return new ContainerSetting("appCommandArgs", AppCommandArgs);
        yield return new ContainerSetting("appCommandInstruction", AppCommandInstruction);
        yield return new ContainerSetting("defaultArgs", DefaultArgs);
        yield return new ContainerSetting("labels.generate", GenerateLabels);
        yield return new ContainerSetting("labels.generateBaseDigest", GenerateBaseDigestLabel);
        yield return new ContainerSetting("ports", Ports.Select(p => p.Key + "/" + (p.Value.Length == 0 ? "tcp" : p.Value).ToLowerInvariant()).Distinct(StringComparer.Ordinal).OrderBy(p => p, StringComparer.Ordinal).ToArray());

        foreach (var label in Labels.Where(l => !UnkeyedLabels.Contains(l.Key, StringComparer.Ordinal)))
        {
            yield return new ContainerSetting("label:" + label.Key, label.Value);
        }

        foreach (var variable in EnvironmentVariables)
        {
            yield return new ContainerSetting("env:" + variable.Key, variable.Value);
        }
    }
}
