using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ContainerCache.Keys;

namespace ContainerCache.Registry;

/// <summary>
/// Reads the image in a tarball the SDK wrote for <c>ContainerArchiveOutputPath</c>: an OCI layout
/// (<c>index.json</c>, <c>blobs/sha256/…</c>) or a docker archive (<c>manifest.json</c>), uncompressed
/// whatever its name says. Only small entries are read; layers are skipped.
/// </summary>
internal static class ImageArchive
{
    private const int MaxEntryBytes = 8 * 1024 * 1024;

    /// <summary>The file the SDK writes for an archive output path: a path with no extension, or ending with a separator, is a folder.</summary>
    public static string ResolvePath(string archiveOutputPath, string repository)
    {
        string full = Path.GetFullPath(archiveOutputPath);
        bool isFolder = archiveOutputPath.EndsWith("/", StringComparison.Ordinal)
            || archiveOutputPath.EndsWith("\\", StringComparison.Ordinal)
            || !Path.HasExtension(full);
        return isFolder ? Path.Combine(full, repository + ".tar.gz") : full;
    }

    /// <summary>The single image an archive holds with the names it carries (<c>repository:tag</c>), or null when it holds no single image.</summary>
    /// <param name="platform">
    /// For a multi-platform publish's archive (an OCI layout whose one image is an image index): the
    /// platform whose image to read from that index; null when the archive holds no single image
    /// for it. The names are the index's.
    /// </param>
    /// <exception cref="RegistryException">The file is not a readable image archive.</exception>
    public static ArchivedImage? Read(string path, (string Os, string Architecture)? platform = null)
    {
        Dictionary<string, byte[]> top = ReadEntries(path, name => name is "index.json" or "manifest.json");
        if (top.TryGetValue("index.json", out byte[]? indexBytes))
        {
            return ReadOciLayout(path, indexBytes, platform);
        }

        if (platform is not null)
        {
            return null;
        }

        if (top.TryGetValue("manifest.json", out byte[]? manifestBytes))
        {
            return ReadDockerArchive(path, manifestBytes);
        }

        throw new RegistryException($"'{path}' holds neither index.json nor manifest.json.");
    }

    private static ArchivedImage? ReadOciLayout(string path, byte[] indexBytes, (string Os, string Architecture)? platform)
    {
        object? index = ParseJson(indexBytes, path, "index.json");
        var descriptors = (Json.GetArray(index, "manifests") ?? new List<object?>()).ToList();
        var digests = descriptors.Select(d => Json.GetString(d, "digest")).Distinct().ToList();
        if (digests.Count != 1 || !ImageReference.IsDigest(digests[0]))
        {
            return null;
        }

        string digest = digests[0]!;
        var names = descriptors
            .Select(d => Json.GetString(d, "annotations", "io.containerd.image.name"))
            .Where(n => n is not null)
            .Select(n => StripDockerHub(n!))
            .ToList();

        Manifest manifest = ReadManifest(path, digest);
        var blobs = new List<string> { BlobPath(digest) };
        if (manifest.IsIndex != (platform is not null))
        {
            return null;
        }

        if (platform is not null)
        {
            // The index's one entry for the platform, read and checked like the index itself.
            var entries = (Json.GetArray(manifest.Json, "manifests") ?? new List<object?>())
                .Where(e => Json.GetString(e, "platform", "os") == platform.Value.Os && Json.GetString(e, "platform", "architecture") == platform.Value.Architecture)
                .Select(e => Json.GetString(e, "digest"))
                .Distinct()
                .ToList();
            if (entries.Count != 1 || !ImageReference.IsDigest(entries[0]))
            {
                return null;
            }

            manifest = ReadManifest(path, entries[0]!);
            if (manifest.IsIndex)
            {
                return null;
            }

            blobs.Add(BlobPath(manifest.Digest));
        }

        string configDigest = StoredImage.ConfigDigest(manifest) ?? throw new RegistryException($"The manifest in '{path}' names no config.");
        string configPath = BlobPath(configDigest);
        byte[] config = ReadEntries(path, name => name == configPath).TryGetValue(configPath, out byte[]? c)
            ? c
            : throw new RegistryException($"'{path}' does not hold the config {configDigest}.");
        blobs.Add(configPath);
        foreach (object? layer in Json.GetArray(manifest.Json, "layers") ?? new List<object?>())
        {
            string? layerDigest = Json.GetString(layer, "digest");
            if (!ImageReference.IsDigest(layerDigest))
            {
                throw new RegistryException($"The manifest in '{path}' names a layer without a sha256 digest.");
            }

            blobs.Add(BlobPath(layerDigest!));
        }

        return new ArchivedImage(new StoredImage(manifest, config), names, blobs);
    }

    private static ArchivedImage? ReadDockerArchive(string path, byte[] manifestBytes)
    {
        List<object?>? entries = ParseJson(manifestBytes, path, "manifest.json") as List<object?>;
        if (entries is null || entries.Count != 1)
        {
            return null;
        }

        string? configPath = Json.GetString(entries[0], "Config");
        if (configPath is null)
        {
            return null;
        }

        byte[] config = ReadEntries(path, name => name == configPath).TryGetValue(configPath, out byte[]? c)
            ? c
            : throw new RegistryException($"'{path}' does not hold the config {configPath}.");

        // A docker archive holds no manifest; this stands in for one so that the config can be read.
        string configDigest = RegistryClient.Sha256Digest(config);
        byte[] stand = Encoding.UTF8.GetBytes("{\"config\":{\"digest\":\"" + configDigest + "\"}}");
        var names = (Json.GetArray(entries[0], "RepoTags") ?? new List<object?>()).OfType<string>().ToList();
        var blobs = new List<string> { configPath };
        blobs.AddRange((Json.GetArray(entries[0], "Layers") ?? new List<object?>()).Select(l => l as string ?? ""));
        if (blobs.Any(b => DigestOfEntryName(b) is null))
        {
            // An entry not named by its digest cannot be checked, so the archive cannot be trusted.
            throw new RegistryException($"'{path}' holds an image whose config or layers are not named by their digests.");
        }

        return new ArchivedImage(new StoredImage(new Manifest(stand, MediaTypes.DockerManifest, ""), config), names, blobs);
    }

    /// <summary>The manifest (or index) stored in the archive as the blob <paramref name="digest"/>, checked against it.</summary>
    /// <exception cref="RegistryException">The archive lacks it, or its bytes do not match the digest.</exception>
    private static Manifest ReadManifest(string path, string digest)
    {
        string manifestPath = BlobPath(digest);
        byte[] manifestBytes = ReadEntries(path, name => name == manifestPath).TryGetValue(manifestPath, out byte[]? m)
            ? m
            : throw new RegistryException($"'{path}' lists the manifest {digest} but does not hold it.");
        if (RegistryClient.Sha256Digest(manifestBytes) != digest)
        {
            throw new RegistryException($"The manifest {digest} in '{path}' does not match its digest.");
        }

        string mediaType = Json.GetString(ParseJson(manifestBytes, path, manifestPath), "mediaType") ?? MediaTypes.OciManifest;
        return new Manifest(manifestBytes, mediaType, digest);
    }

    /// <exception cref="RegistryException">The digest, from the archive itself, is no sha256 digest to make a path of.</exception>
    private static string BlobPath(string digest) =>
        ImageReference.IsDigest(digest)
            ? "blobs/sha256/" + digest.Substring("sha256:".Length)
            : throw new RegistryException($"The archive names the blob '{digest}', which is not a sha256 digest.");

    private static string StripDockerHub(string name) =>
        name.StartsWith("docker.io/library/", StringComparison.Ordinal) ? name.Substring("docker.io/library/".Length)
        : name.StartsWith("docker.io/", StringComparison.Ordinal) ? name.Substring("docker.io/".Length)
        : name;

    private static object? ParseJson(byte[] bytes, string path, string entry)
    {
        try
        {
            return Json.Parse(Encoding.UTF8.GetString(bytes));
        }
        catch (FormatException e)
        {
            throw new RegistryException($"'{entry}' in '{path}' is not valid JSON: {e.Message}");
        }
    }

    /// <summary>Reads the wanted entries of a tar file (ustar, PAX and GNU long names), skipping the rest.</summary>
    internal static Dictionary<string, byte[]> ReadEntries(string path, Func<string, bool> wanted)
    {
        var found = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        Walk(path, (name, size, stream) =>
        {
            if (!wanted(name))
            {
                return false;
            }

            found[name] = ReadData(stream, size, path);
            return true;
        });
        return found;
    }

    /// <summary>
    /// Why the archive cannot be trusted to hold <paramref name="image"/> whole, or null: every blob
    /// the image names is there, and every entry named by a digest (<c>blobs/sha256/HEX</c>, and in a
    /// docker archive <c>HEX/layer.tar</c> and <c>HEX.json</c>) holds bytes of that digest. Layers are
    /// streamed through SHA-256, never held in memory.
    /// </summary>
    /// <exception cref="RegistryException">The file is not a readable tar file.</exception>
    public static string? WhyNotWhole(string path, ArchivedImage image)
    {
        var missing = new HashSet<string>(image.BlobEntries, StringComparer.Ordinal);
        string? corrupt = null;
        byte[] buffer = new byte[81920];
        Walk(path, (name, size, stream) =>
        {
            string? digest = DigestOfEntryName(name);
            if (digest is null)
            {
                return false;
            }

            using (var sha = System.Security.Cryptography.SHA256.Create())
            {
                long left = size;
                while (left > 0)
                {
                    int read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                    if (read == 0)
                    {
                        throw new RegistryException($"'{path}' ends in the middle of an entry.");
                    }

                    sha.TransformBlock(buffer, 0, read, null, 0);
                    left -= read;
                }

                sha.TransformFinalBlock(buffer, 0, 0);
                if (ContentKey.Hex(sha.Hash!) != digest)
                {
                    corrupt ??= $"its entry {name} does not match its digest";
                }
            }

            missing.Remove(name);
            return true;
        });

        return corrupt ?? (missing.Count == 0 ? null : $"it lacks {missing.OrderBy(m => m, StringComparer.Ordinal).First()}{(missing.Count > 1 ? $" and {missing.Count - 1} more" : "")}");
    }

    /// <summary>The hex digest an entry's name promises for its content, or null.</summary>
    private static string? DigestOfEntryName(string name)
    {
        string? hex =
            name.StartsWith("blobs/sha256/", StringComparison.Ordinal) ? name.Substring("blobs/sha256/".Length)
            : name.EndsWith("/layer.tar", StringComparison.Ordinal) ? name.Substring(0, name.Length - "/layer.tar".Length)
            : name.EndsWith(".json", StringComparison.Ordinal) ? name.Substring(0, name.Length - ".json".Length)
            : null;
        return hex is not null && ImageReference.IsDigest("sha256:" + hex) ? hex : null;
    }

    /// <summary>
    /// Calls <paramref name="visit"/> with each regular entry's name, size and the stream positioned at
    /// its data; <paramref name="visit"/> returns whether it read exactly the data, else it is skipped.
    /// </summary>
    private static void Walk(string path, Func<string, long, Stream, bool> visit)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
            byte[] header = new byte[512];
            string? longName = null;
            while (ReadFully(stream, header) == 512)
            {
                if (header.All(b => b == 0))
                {
                    break;
                }

                string name = longName ?? Text(header, 0, 100);
                string prefix = Text(header, 345, 155);
                if (longName is null && prefix.Length > 0)
                {
                    name = prefix + "/" + name;
                }

                longName = null;
                long size = Octal(header, 124, 12, path);
                char type = (char)header[156];
                long padded = (size + 511) / 512 * 512;
                if (type is 'x' or 'L')
                {
                    byte[] data = ReadData(stream, size, path);
                    stream.Seek(padded - size, SeekOrigin.Current);
                    longName = type == 'L' ? Encoding.UTF8.GetString(data).TrimEnd('\0') : PaxPath(data);
                    continue;
                }

                name = name.StartsWith("./", StringComparison.Ordinal) ? name.Substring(2) : name;
                if ((type is '0' or '\0') && visit(name, size, stream))
                {
                    stream.Seek(padded - size, SeekOrigin.Current);
                }
                else
                {
                    stream.Seek(padded, SeekOrigin.Current);
                }
            }
        }
        catch (IOException e)
        {
            throw new RegistryException($"'{path}' cannot be read: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new RegistryException($"'{path}' cannot be read: {e.Message}");
        }
    }

    private static string? PaxPath(byte[] data)
    {
        // Records are "LENGTH key=value\n".
        foreach (string record in Encoding.UTF8.GetString(data).Split('\n'))
        {
            int space = record.IndexOf(' ');
            if (space > 0 && record.Substring(space + 1).StartsWith("path=", StringComparison.Ordinal))
            {
                return record.Substring(space + 1 + "path=".Length);
            }
        }

        return null;
    }

    private static byte[] ReadData(Stream stream, long size, string path)
    {
        if (size > MaxEntryBytes)
        {
            throw new RegistryException($"An entry of '{path}' is larger than expected for image metadata.");
        }

        byte[] data = new byte[size];
        if (ReadFully(stream, data) != size)
        {
            throw new RegistryException($"'{path}' ends in the middle of an entry.");
        }

        return data;
    }

    private static int ReadFully(Stream stream, byte[] buffer)
    {
        int total = 0;
        int read;
        while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
        }

        return total;
    }

    private static string Text(byte[] header, int offset, int length)
    {
        int end = offset;
        while (end < offset + length && header[end] != 0)
        {
            end++;
        }

        return Encoding.UTF8.GetString(header, offset, end - offset);
    }

    private static long Octal(byte[] header, int offset, int length, string path)
    {
        string text = Text(header, offset, length).Trim(' ', '\0');
        try
        {
            return text.Length == 0 ? 0 : Convert.ToInt64(text, 8);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            throw new RegistryException($"'{path}' is not a tar file.");
        }
    }
}
