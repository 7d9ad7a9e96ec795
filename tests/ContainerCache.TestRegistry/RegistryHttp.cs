using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace ContainerCache.TestRegistry;

internal static partial class RegistryHttp
{
    public static HttpClient CreateClient(string registryHost, NetworkCredential? credentials)
    {
        var client = new HttpClient(new BearerChallengeHandler(credentials))
        {
            BaseAddress = new Uri($"http://{registryHost}/"),
            Timeout = TimeSpan.FromSeconds(100),
        };
        if (credentials is not null)
        {
            client.DefaultRequestHeaders.Authorization = BasicAuthorization(credentials);
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

    private static AuthenticationHeaderValue BasicAuthorization(NetworkCredential credentials) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.UserName}:{credentials.Password}")));

    [GeneratedRegex(@"(?<name>\w+)=""(?<value>[^""]*)""")]
    private static partial Regex ChallengeParameter();

    /// <summary>
    /// Answers a registry's Bearer challenge: gets a token from the realm (with the Basic credentials, if any)
    /// for the challenged scope, sends the request again with it, and keeps using it until the next challenge.
    /// Requests are sent again as they are, so their content must be readable twice (as ByteArrayContent is).
    /// </summary>
    private sealed class BearerChallengeHandler(NetworkCredential? credentials) : DelegatingHandler(new SocketsHttpHandler())
    {
        private volatile AuthenticationHeaderValue? _bearer;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (_bearer is { } bearer)
            {
                request.Headers.Authorization = bearer;
            }

            HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            AuthenticationHeaderValue? challenge = response.Headers.WwwAuthenticate
                .FirstOrDefault(c => c.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase));
            if (response.StatusCode != HttpStatusCode.Unauthorized || challenge?.Parameter is null)
            {
                return response;
            }

            string? token = await GetTokenAsync(challenge.Parameter, cancellationToken).ConfigureAwait(false);
            if (token is null)
            {
                return response;
            }

            response.Dispose();
            _bearer = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Authorization = _bearer;
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        private async Task<string?> GetTokenAsync(string challenge, CancellationToken cancellationToken)
        {
            var parameters = ChallengeParameter().Matches(challenge).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value);
            if (!parameters.TryGetValue("realm", out string? realm))
            {
                return null;
            }

            string query = string.Join('&', new[] { "service", "scope" }
                .Where(parameters.ContainsKey)
                .Select(name => $"{name}={Uri.EscapeDataString(parameters[name])}"));
            using var request = new HttpRequestMessage(HttpMethod.Get, query.Length == 0 ? realm : $"{realm}?{query}");
            if (credentials is not null)
            {
                request.Headers.Authorization = BasicAuthorization(credentials);
            }

            using HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(response, $"GET token from {realm}").ConfigureAwait(false);
            using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
            return body.RootElement.TryGetProperty("token", out JsonElement token) || body.RootElement.TryGetProperty("access_token", out token)
                ? token.GetString()
                : null;
        }
    }
}
