using System;
using System.IO;
using System.IO.Compression;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace ContainerCache.TestRegistry;

/// <summary>
/// Pushes images that pretend to be another: a copy of an image with its config edited, and
/// optionally one more layer, as an image built <c>FROM</c> it would have. Its label is the original's.
/// </summary>
public static class ImageForge
{
    /// <summary>Pushes the edited copy of <paramref name="repository"/>:<paramref name="fromTag"/> under <paramref name="toTag"/>; returns its digest.</summary>
    public static async Task<string> PushEditedAsync(string registryHost, string repository, string fromTag, string toTag, Action<JsonObject> editConfig, bool addLayer = false)
    {
        using HttpClient http = RegistryHttp.CreateClient(registryHost, credentials: null);
        using var reader = new RegistryReader(registryHost);
        JsonObject manifest = JsonNode.Parse((await reader.GetManifestAsync(repository, fromTag).ConfigureAwait(false)).RootElement.GetRawText())!.AsObject();
        JsonObject config = JsonNode.Parse((await reader.GetConfigAsync(repository, fromTag).ConfigureAwait(false)).RootElement.GetRawText())!.AsObject();

        editConfig((JsonObject)config["config"]!);
        if (addLayer)
        {
            byte[] uncompressed = Encoding.UTF8.GetBytes("one more layer");
            using var gz = new MemoryStream();
            using (var gzip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(uncompressed);
            }

            byte[] layer = gz.ToArray();
            await BaseImage.PushBlobAsync(http, repository, layer).ConfigureAwait(false);
            ((JsonArray)config["rootfs"]!["diff_ids"]!).Add(BaseImage.Digest(uncompressed));
            ((JsonArray)manifest["layers"]!).Add(new JsonObject
            {
                ["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip",
                ["digest"] = BaseImage.Digest(layer),
                ["size"] = layer.LongLength,
            });
        }

        byte[] configBytes = Encoding.UTF8.GetBytes(config.ToJsonString());
        await BaseImage.PushBlobAsync(http, repository, configBytes).ConfigureAwait(false);
        manifest["config"]!["digest"] = BaseImage.Digest(configBytes);
        manifest["config"]!["size"] = configBytes.LongLength;
        byte[] manifestBytes = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        string mediaType = manifest["mediaType"]?.GetValue<string>() ?? MediaTypes.OciManifest;
        await BaseImage.PushManifestAsync(http, repository, toTag, mediaType, manifestBytes).ConfigureAwait(false);
        return BaseImage.Digest(manifestBytes);
    }
}
