using System;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Tasks;

namespace ContainerCache.TestRegistry;

internal static class RegistryHttp
{
    public static HttpClient CreateClient(string registryHost, NetworkCredential? credentials)
    {
        var client = new HttpClient
        {
            BaseAddress = new Uri($"http://{registryHost}/"),
            Timeout = TimeSpan.FromSeconds(100),
        };
        if (credentials is not null)
        {
            string token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.UserName}:{credentials.Password}"));
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", token);
        }

        return client;
    }

    public static void AcceptManifests(HttpRequestMessage request)
    {
        foreach (string mediaType in new[] { MediaTypes.OciManifest, MediaTypes.OciIndex, MediaTypes.DockerManifest, MediaTypes.DockerManifestList })
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        }
    }

    public static async Task EnsureSuccessAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            string body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            throw new HttpRequestException(
                $"{what}: {(int)response.StatusCode} {response.ReasonPhrase} {body}".TrimEnd(), null, response.StatusCode);
        }
    }
}
