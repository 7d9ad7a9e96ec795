using System.Collections.Generic;
using System.IO;
using System.Text;
using ContainerCache.Registry;

namespace ContainerCache.LocalStore;

/// <summary>
/// What the SDK returned for the last image it loaded into a local engine: its config and manifest
/// as it built them, which the engine does not give back (Docker keeps no manifest; both show the
/// config through their own structure). Kept in obj/, so that a later hit returns the SDK's own
/// outputs and is checked against the exact config; used only for the image whose ID is the digest
/// of that config, which the engine proves: for any other image it is ignored.
/// </summary>
internal static class LoadedImageRecord
{
    private const int MaxBytes = 4 * 1024 * 1024;

    /// <summary>The record's content: a JSON object of the SDK's outputs.</summary>
    public static string Format(string configuration, string manifest, string digest, string mediaType)
    {
        var json = new StringBuilder("{");
        Json.AppendQuoted(json, "configuration").Append(':');
        Json.AppendQuoted(json, configuration).Append(',');
        Json.AppendQuoted(json, "manifest").Append(':');
        Json.AppendQuoted(json, manifest).Append(',');
        Json.AppendQuoted(json, "digest").Append(':');
        Json.AppendQuoted(json, digest).Append(',');
        Json.AppendQuoted(json, "mediaType").Append(':');
        Json.AppendQuoted(json, mediaType).Append('}');
        return json.ToString();
    }

    /// <summary>
    /// The image the record at <paramref name="path"/> describes, when it is the image
    /// <paramref name="imageId"/>: its config's digest is that ID. Its manifest only where the
    /// manifest's own digest and the config it names check out too. Null when there is no such record.
    /// </summary>
    public static StoredImage? Read(string path, string imageId)
    {
        Dictionary<string, object?>? record;
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists || file.Length > MaxBytes)
            {
                return null;
            }

            record = Json.TryParseObject(File.ReadAllText(path));
        }
        catch (IOException)
        {
            return null;
        }
        catch (System.UnauthorizedAccessException)
        {
            return null;
        }

        byte[] config = Encoding.UTF8.GetBytes(Json.GetString(record, "configuration") ?? "");
        if (config.Length == 0 || RegistryClient.Sha256Digest(config) != imageId)
        {
            return null;
        }

        byte[] manifestBytes = Encoding.UTF8.GetBytes(Json.GetString(record, "manifest") ?? "");
        string digest = Json.GetString(record, "digest") ?? "";
        Manifest manifest = new(Encoding.UTF8.GetBytes("{}"), mediaType: "", digest: "");
        if (manifestBytes.Length > 0 && RegistryClient.Sha256Digest(manifestBytes) == digest
            && Json.TryParseObject(Encoding.UTF8.GetString(manifestBytes)) is { } parsed
            && Json.GetString(parsed, "config", "digest") == imageId)
        {
            manifest = new Manifest(manifestBytes, Json.GetString(record, "mediaType") ?? "", digest);
        }

        try
        {
            return new StoredImage(manifest, config);
        }
        catch (RegistryException)
        {
            return null;
        }
    }
}
