using System.Collections.Generic;
using System.Text;
using ContainerCache.Keys;

namespace ContainerCache.Registry;

/// <summary>An image found in a registry or an archive: its manifest and its config.</summary>
internal sealed class StoredImage
{
    public StoredImage(Manifest manifest, byte[] config)
    {
        Manifest = manifest;
        Config = config;
        ConfigJson = Json.TryParseObject(Encoding.UTF8.GetString(config))
            ?? throw new RegistryException($"The config of image {manifest.Digest} is not a JSON object.");
    }

    public Manifest Manifest { get; }
    public byte[] Config { get; }
    public Dictionary<string, object?> ConfigJson { get; }

    public string ConfigText => Encoding.UTF8.GetString(Config);

    /// <summary>The value of the label <c>dev.containercache.key</c>, or null when the image has none.</summary>
    public string? Key => Json.GetString(ConfigJson, "config", "Labels", ImageSettings.KeyLabel);

    /// <summary>The platform as <c>os/architecture[/variant]</c>.</summary>
    public string Platform =>
        Json.GetString(ConfigJson, "os") + "/" + Json.GetString(ConfigJson, "architecture")
        + (Json.GetString(ConfigJson, "variant") is { Length: > 0 } variant ? "/" + variant : "");

    /// <summary>The digest of the config blob the manifest names.</summary>
    public static string? ConfigDigest(Manifest manifest) => Json.GetString(manifest.Json, "config", "digest");
}
