using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;

namespace ContainerCache.TestRegistry;

/// <summary>Read-only access to a plain-HTTP registry, for assertions.</summary>
public sealed class RegistryReader : IDisposable
{
    private readonly HttpClient _http;

    public RegistryReader(string registryHost, NetworkCredential? credentials = null)
    {
        _http = RegistryHttp.CreateClient(registryHost, credentials);
    }

    public async Task<string?> GetManifestDigestAsync(string repo, string reference)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, $"v2/{repo}/manifests/{reference}");
        RegistryHttp.AcceptManifests(request);
        using HttpResponseMessage response = await _http.SendAsync(request).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await RegistryHttp.EnsureSuccessAsync(response, $"HEAD manifest {repo}:{reference}").ConfigureAwait(false);
        return response.Headers.TryGetValues("Docker-Content-Digest", out IEnumerable<string>? values)
            ? values.First()
            : throw new HttpRequestException($"HEAD manifest {repo}:{reference}: no Docker-Content-Digest header");
    }

    public async Task<JsonDocument> GetManifestAsync(string repo, string reference) =>
        (await GetManifestWithMediaTypeAsync(repo, reference).ConfigureAwait(false)).Manifest;

    /// <param name="platform">"os/architecture", required when <paramref name="reference"/> names an index.</param>
    public async Task<JsonDocument> GetConfigAsync(string repo, string reference, string? platform = null)
    {
        (JsonDocument manifest, string? mediaType) = await GetManifestWithMediaTypeAsync(repo, reference).ConfigureAwait(false);
        if (MediaTypes.IsIndex(mediaType))
        {
            string digest;
            using (manifest)
            {
                digest = SelectPlatform(manifest, platform, $"{repo}:{reference}");
            }

            (manifest, mediaType) = await GetManifestWithMediaTypeAsync(repo, digest).ConfigureAwait(false);
            if (MediaTypes.IsIndex(mediaType))
            {
                manifest.Dispose();
                throw new InvalidOperationException($"{repo}@{digest} is a nested index; not supported.");
            }
        }

        string configDigest;
        using (manifest)
        {
            configDigest = manifest.RootElement.GetProperty("config").GetProperty("digest").GetString()!;
        }

        using HttpResponseMessage response = await _http.GetAsync($"v2/{repo}/blobs/{configDigest}").ConfigureAwait(false);
        await RegistryHttp.EnsureSuccessAsync(response, $"GET config blob {repo}@{configDigest}").ConfigureAwait(false);
        return JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false));
    }

    public async Task<IReadOnlyDictionary<string, string>> GetLabelsAsync(string repo, string reference, string? platform = null)
    {
        using JsonDocument config = await GetConfigAsync(repo, reference, platform).ConfigureAwait(false);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (config.RootElement.TryGetProperty("config", out JsonElement inner) &&
            inner.ValueKind == JsonValueKind.Object &&
            inner.TryGetProperty("Labels", out JsonElement found) &&
            found.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty label in found.EnumerateObject())
            {
                labels[label.Name] = label.Value.GetString() ?? "";
            }
        }

        return labels;
    }

    public async Task<IReadOnlyList<string>> ListTagsAsync(string repo)
    {
        using HttpResponseMessage response = await _http.GetAsync($"v2/{repo}/tags/list").ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        await RegistryHttp.EnsureSuccessAsync(response, $"GET tags of {repo}").ConfigureAwait(false);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false));
        return body.RootElement.TryGetProperty("tags", out JsonElement tags) && tags.ValueKind == JsonValueKind.Array
            ? tags.EnumerateArray().Select(t => t.GetString()!).ToArray()
            : [];
    }

    public void Dispose() => _http.Dispose();

    private async Task<(JsonDocument Manifest, string? MediaType)> GetManifestWithMediaTypeAsync(string repo, string reference)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repo}/manifests/{reference}");
        RegistryHttp.AcceptManifests(request);
        using HttpResponseMessage response = await _http.SendAsync(request).ConfigureAwait(false);
        await RegistryHttp.EnsureSuccessAsync(response, $"GET manifest {repo}:{reference}").ConfigureAwait(false);
        JsonDocument manifest = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false));
        string? mediaType = manifest.RootElement.TryGetProperty("mediaType", out JsonElement declared)
            ? declared.GetString()
            : response.Content.Headers.ContentType?.MediaType;
        return (manifest, mediaType);
    }

    private static string SelectPlatform(JsonDocument index, string? platform, string what)
    {
        if (platform is null)
        {
            throw new InvalidOperationException($"{what} is an image index; pass a platform such as \"linux/amd64\".");
        }

        string[] wanted = platform.Split('/');
        var available = new List<string>();
        foreach (JsonElement entry in index.RootElement.GetProperty("manifests").EnumerateArray())
        {
            if (!entry.TryGetProperty("platform", out JsonElement p))
            {
                continue;
            }

            string os = p.TryGetProperty("os", out JsonElement o) ? o.GetString() ?? "" : "";
            string architecture = p.TryGetProperty("architecture", out JsonElement a) ? a.GetString() ?? "" : "";
            string variant = p.TryGetProperty("variant", out JsonElement v) ? v.GetString() ?? "" : "";
            available.Add(variant.Length > 0 ? $"{os}/{architecture}/{variant}" : $"{os}/{architecture}");
            if (wanted.Length >= 2 && wanted[0] == os && wanted[1] == architecture && (wanted.Length == 2 || wanted[2] == variant))
            {
                return entry.GetProperty("digest").GetString()!;
            }
        }

        throw new InvalidOperationException($"{what} has no manifest for {platform}; it has: {string.Join(", ", available)}.");
    }
}
