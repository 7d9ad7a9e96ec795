using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.IO.Compression;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace ContainerCache.TestRegistry;

/// <summary>
/// Builds a tiny, deterministic OCI image (one layer per platform) in memory and pushes it through the registry HTTP API.
/// </summary>
public static class BaseImage
{
    public static readonly (string Os, string Architecture)[] LinuxAmd64AndArm64 = [("linux", "amd64"), ("linux", "arm64")];

    private const UnixFileMode DirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode RegularFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<string> PushAsync(
        string registryHost,
        string repository,
        string tag,
        IReadOnlyList<(string Os, string Architecture)> platforms,
        string marker = "",
        NetworkCredential? credentials = null,
        IReadOnlyDictionary<string, string>? labels = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(platforms.Count);
        using HttpClient http = RegistryHttp.CreateClient(registryHost, credentials);

        if (platforms.Count == 1)
        {
            byte[] manifest = await PushPlatformImageAsync(http, repository, platforms[0].Os, platforms[0].Architecture, marker, labels).ConfigureAwait(false);
            await PushManifestAsync(http, repository, tag, MediaTypes.OciManifest, manifest).ConfigureAwait(false);
            return Digest(manifest);
        }

        var manifests = new JsonArray();
        foreach ((string os, string architecture) in platforms)
        {
            byte[] manifest = await PushPlatformImageAsync(http, repository, os, architecture, marker, labels).ConfigureAwait(false);
            await PushManifestAsync(http, repository, Digest(manifest), MediaTypes.OciManifest, manifest).ConfigureAwait(false);
            JsonObject entry = Descriptor(MediaTypes.OciManifest, manifest);
            entry["platform"] = new JsonObject { ["architecture"] = architecture, ["os"] = os };
            manifests.Add(entry);
        }

        byte[] index = Json(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = manifests,
        });
        await PushManifestAsync(http, repository, tag, MediaTypes.OciIndex, index).ConfigureAwait(false);
        return Digest(index);
    }

    private static async Task<byte[]> PushPlatformImageAsync(
        HttpClient http, string repository, string os, string architecture, string marker, IReadOnlyDictionary<string, string>? labels)
    {
        (byte[] layer, string diffId) = BuildLayer(os, architecture, marker);
        var imageConfig = new JsonObject
        {
            ["Env"] = new JsonArray(DefaultPath),
            ["WorkingDir"] = "/",
        };
        if (labels is not null)
        {
            var labelObject = new JsonObject();
            foreach (KeyValuePair<string, string> label in labels)
            {
                labelObject[label.Key] = label.Value;
            }

            imageConfig["Labels"] = labelObject;
        }

        byte[] config = Json(new JsonObject
        {
            ["architecture"] = architecture,
            ["os"] = os,
            ["config"] = imageConfig,
            ["rootfs"] = new JsonObject
            {
                ["type"] = "layers",
                ["diff_ids"] = new JsonArray(diffId),
            },
        });
        await PushBlobAsync(http, repository, config).ConfigureAwait(false);
        await PushBlobAsync(http, repository, layer).ConfigureAwait(false);
        return Json(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["config"] = Descriptor(MediaTypes.OciConfig, config),
            ["layers"] = new JsonArray(Descriptor(MediaTypes.OciLayerGzip, layer)),
        });
    }

    private static (byte[] Layer, string DiffId) BuildLayer(string os, string architecture, string marker)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            writer.WriteEntry(Entry(TarEntryType.Directory, "etc/", null));
            writer.WriteEntry(Entry(TarEntryType.RegularFile, "etc/os-release",
                "NAME=\"ContainerCache test base\"\n" +
                "ID=containercache-test\n" +
                $"PRETTY_NAME=\"ContainerCache test base ({os}/{architecture})\"\n" +
                $"CONTAINERCACHE_MARKER=\"{marker}\"\n"));
            writer.WriteEntry(Entry(TarEntryType.RegularFile, "etc/containercache-base", $"{os}/{architecture}\n{marker}\n"));
        }

        byte[] uncompressed = tar.ToArray();
        using var gz = new MemoryStream();
        using (var gzip = new GZipStream(gz, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(uncompressed);
        }

        return (gz.ToArray(), Digest(uncompressed));
    }

    private static UstarTarEntry Entry(TarEntryType type, string name, string? content)
    {
        var entry = new UstarTarEntry(type, name)
        {
            ModificationTime = DateTimeOffset.UnixEpoch,
            Uid = 0,
            Gid = 0,
            UserName = "root",
            GroupName = "root",
            Mode = type == TarEntryType.Directory ? DirectoryMode : RegularFileMode,
        };
        if (content is not null)
        {
            entry.DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content));
        }

        return entry;
    }

    private static JsonObject Descriptor(string mediaType, byte[] content) => new()
    {
        ["mediaType"] = mediaType,
        ["digest"] = Digest(content),
        ["size"] = content.LongLength,
    };

    private static byte[] Json(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString(JsonOptions));

    internal static string Digest(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    internal static async Task PushBlobAsync(HttpClient http, string repository, byte[] content)
    {
        string digest = Digest(content);
        using (var head = new HttpRequestMessage(HttpMethod.Head, $"v2/{repository}/blobs/{digest}"))
        using (HttpResponseMessage existing = await http.SendAsync(head).ConfigureAwait(false))
        {
            if (existing.StatusCode == HttpStatusCode.OK)
            {
                return;
            }
        }

        Uri location;
        using (HttpResponseMessage started = await http.PostAsync($"v2/{repository}/blobs/uploads/", null).ConfigureAwait(false))
        {
            await RegistryHttp.EnsureSuccessAsync(started, $"POST blob upload to {repository}").ConfigureAwait(false);
            location = started.Headers.Location ?? throw new HttpRequestException($"POST blob upload to {repository}: no Location header");
        }

        if (!location.IsAbsoluteUri)
        {
            location = new Uri(http.BaseAddress!, location);
        }

        var put = new UriBuilder(location);
        put.Query = (put.Query.Length > 1 ? put.Query[1..] + "&" : "") + "digest=" + Uri.EscapeDataString(digest);
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using HttpResponseMessage finished = await http.PutAsync(put.Uri, body).ConfigureAwait(false);
        await RegistryHttp.EnsureSuccessAsync(finished, $"PUT blob {digest} to {repository}").ConfigureAwait(false);
    }

    internal static async Task PushManifestAsync(HttpClient http, string repository, string reference, string mediaType, byte[] manifest)
    {
        using var body = new ByteArrayContent(manifest);
        body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using HttpResponseMessage response = await http.PutAsync($"v2/{repository}/manifests/{reference}", body).ConfigureAwait(false);
        await RegistryHttp.EnsureSuccessAsync(response, $"PUT manifest {repository}:{reference}").ConfigureAwait(false);
    }
}
