using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using ContainerCache.Registry;

namespace ContainerCache.LocalStore;

/// <summary>
/// An image in a local engine's store, as its <c>image inspect</c> describes it: its ID (the digest of
/// its config), its names, and its config as an OCI image config, so that <see cref="ImageCheck"/>
/// judges it by the same rules as an image in a registry.
/// </summary>
/// <remarks>
/// An engine keeps no manifest of a loaded image (Docker) or writes its own (Podman), and shows the
/// config through its own structure, not as the bytes loaded: the config here is rebuilt from what it
/// shows (platform, config, layers' diff IDs), with the fields it prints at their zero value (Docker's
/// Hostname, AttachStdin and the like) left out, as absent and zero mean the same to a container. A
/// field with a value the SDK never writes stays, and fails the check.
/// </remarks>
internal sealed class LocalImage
{
    private LocalImage(string id, IReadOnlyList<string> names, StoredImage image)
    {
        Id = id;
        Names = names;
        Image = image;
    }

    /// <summary>The image ID, <c>sha256:HEX</c>: the digest of its config.</summary>
    public string Id { get; }

    /// <summary>Its names, <c>repository:tag</c>, as the engine lists them.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The image as a manifest-less stored image: an empty manifest, the rebuilt config.</summary>
    public StoredImage Image { get; }

    /// <exception cref="LocalStoreException">The description lacks an ID or a config.</exception>
    public static LocalImage FromInspect(Dictionary<string, object?> inspect)
    {
        string id = Json.GetString(inspect, "Id") ?? "";
        if (id.Length == 0)
        {
            throw new LocalStoreException("the engine described an image without an ID");
        }

        // Podman prints the ID without its algorithm.
        if (id.IndexOf(':') < 0)
        {
            id = "sha256:" + id;
        }

        var config = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["architecture"] = Json.GetString(inspect, "Architecture") ?? "",
            ["os"] = Json.GetString(inspect, "Os") ?? "",
            ["config"] = WithoutZeroValues(Json.GetObject(inspect, "Config") ?? new Dictionary<string, object?>()),
            ["rootfs"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["type"] = "layers",
                ["diff_ids"] = Json.GetArray(inspect, "RootFS", "Layers") ?? new List<object?>(),
            },
        };
        if (Json.GetString(inspect, "Variant") is { Length: > 0 } variant)
        {
            config["variant"] = variant;
        }

        var names = (Json.GetArray(inspect, "RepoTags") ?? new List<object?>()).OfType<string>().ToList();
        var manifest = new Manifest(Encoding.UTF8.GetBytes("{}"), mediaType: "", digest: "");
        return new LocalImage(id, names, new StoredImage(manifest, Encoding.UTF8.GetBytes(Json.Write(config))));
    }

    private static Dictionary<string, object?> WithoutZeroValues(Dictionary<string, object?> fields) =>
        fields.Where(f => !IsZero(f.Value)).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);

    private static bool IsZero(object? value) => value switch
    {
        null => true,
        bool b => !b,
        string s => s.Length == 0,
        double d => d == 0,
        List<object?> list => list.Count == 0,
        Dictionary<string, object?> obj => obj.Count == 0,
        _ => false,
    };
}
