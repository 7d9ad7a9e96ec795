using System.Collections.Generic;
using System.Text;

namespace ContainerCache.Registry;

/// <summary>A manifest as the registry served it: its bytes, media type and digest (checked against the bytes).</summary>
internal sealed class Manifest
{
    public Manifest(byte[] content, string mediaType, string digest)
    {
        Content = content;
        MediaType = mediaType;
        Digest = digest;
        Json = ContainerCache.Json.TryParseObject(Encoding.UTF8.GetString(content))
            ?? throw new RegistryException("The registry served a manifest that is not a JSON object.");
    }

    public byte[] Content { get; }
    public string MediaType { get; }
    public string Digest { get; }
    public Dictionary<string, object?> Json { get; }

    public bool IsIndex => MediaType is MediaTypes.OciIndex or MediaTypes.DockerManifestList;

    public string Text => Encoding.UTF8.GetString(Content);
}
