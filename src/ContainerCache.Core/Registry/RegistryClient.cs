using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ContainerCache.Keys;

namespace ContainerCache.Registry;

/// <summary>
/// A minimal client of the OCI distribution API, with the .NET SDK's rules: plain HTTP only for
/// localhost and the registries in <c>DOTNET_CONTAINER_INSECURE_REGISTRIES</c>; anonymous access,
/// then basic credentials or a bearer token from the registry's token service. Every request
/// (token requests included) is bounded by <see cref="RegistryClientOptions.Timeout"/>, from
/// sending it to the last byte of its answer, and every answer is read in full within that bound,
/// so nothing is read from the network afterwards.
/// </summary>
internal sealed class RegistryClient : IDisposable
{
    private const int MaxManifestBytes = 4 * 1024 * 1024;
    private const int MaxBlobBytes = 8 * 1024 * 1024;

    private readonly RegistryTransport _transport;
    private readonly bool _ownsTransport;
    private readonly RegistryClientOptions _options;
    private readonly Lazy<RegistryCredentials?> _credentials;
    private readonly ConcurrentDictionary<string, AuthenticationHeaderValue> _authorizations;

    /// <exception cref="ArgumentException">The registry is not a registry name (see <see cref="ImageReference.RegistryError"/>); callers check it first, naming the property it came from.</exception>
    public RegistryClient(string registry, RegistryClientOptions? options = null)
    {
        if (ImageReference.RegistryError(registry) is { } error)
        {
            throw new ArgumentException($"'{registry}' is not a registry: {error}", nameof(registry));
        }

        Registry = registry;
        _options = options ?? new RegistryClientOptions();
        _credentials = new Lazy<RegistryCredentials?>(() => _options.Credentials.Find(registry, _options.Use));
        _authorizations = _options.Cache?.Authorizations ?? new ConcurrentDictionary<string, AuthenticationHeaderValue>(StringComparer.Ordinal);

        // Like the SDK: HTTPS first; for localhost and the listed insecure registries, any
        // certificate is accepted and a registry that does not speak TLS is spoken to in plain HTTP.
        bool insecure = IsLocalhost(registry) || IsInsecure(registry, _options.Environment);
        _ownsTransport = _options.Handler is not null;
        _transport = _ownsTransport ? new RegistryTransport(registry, insecure, _options.Handler) : RegistryTransport.For(registry, insecure);
    }

    public string Registry { get; }

    /// <summary>Where credentials came from, if any were used; never the secret.</summary>
    public string? CredentialSource => _credentials.IsValueCreated ? _credentials.Value?.Source : null;

    /// <summary>Gets a manifest by tag or digest; null when the registry has none under that reference.</summary>
    public async Task<Manifest?> GetManifestAsync(string repository, string reference)
    {
        if (_options.Cache is not { } cache)
        {
            return await ReadManifestAsync(repository, reference).ConfigureAwait(false);
        }

        if (ImageReference.IsDigest(reference))
        {
            return await cache.GetManifestAsync(Registry, repository, reference, () => ReadManifestAsync(repository, reference)).ConfigureAwait(false);
        }

        Manifest? manifest = await ReadManifestAsync(repository, reference).ConfigureAwait(false);
        if (manifest is not null)
        {
            cache.Add(Registry, repository, manifest);
        }

        return manifest;
    }

    /// <summary>
    /// The digest of the manifest a tag names, as the registry's HEAD answer says (no body read); null when
    /// the tag does not exist or the answer names no digest.
    /// </summary>
    public async Task<string?> GetManifestDigestAsync(string repository, string tag)
    {
        using HttpResponseMessage response = await SendAsync(repository, "pull", MaxManifestBytes, () => ManifestRequest(HttpMethod.Head, repository, tag)).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        EnsureSuccess(response, $"looking up {repository}:{tag}");
        string? served = response.Headers.TryGetValues("Docker-Content-Digest", out IEnumerable<string>? values) ? values.FirstOrDefault() : null;
        return served is not null && ImageReference.IsDigest(served) ? served : null;
    }

    private static HttpRequestMessage ManifestRequest(HttpMethod method, string repository, string reference)
    {
        var request = new HttpRequestMessage(method, $"v2/{repository}/manifests/{reference}");
        foreach (string type in MediaTypes.All)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }

        return request;
    }

    private async Task<Manifest?> ReadManifestAsync(string repository, string reference)
    {
        using HttpResponseMessage response = await SendAsync(
            repository,
            "pull",
            MaxManifestBytes,
            () => ManifestRequest(HttpMethod.Get, repository, reference)).ConfigureAwait(false);

        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        EnsureSuccess(response, $"reading the manifest {repository}:{reference}");
        byte[] content = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        string digest = Sha256Digest(content);
        string? served = response.Headers.TryGetValues("Docker-Content-Digest", out IEnumerable<string>? values) ? values.FirstOrDefault() : null;
        if ((served is not null && served != digest) || (ImageReference.IsDigest(reference) && reference != digest))
        {
            throw new RegistryException($"{Registry} served a manifest for {repository}:{reference} whose bytes do not match its digest.");
        }

        string mediaType = response.Content.Headers.ContentType?.MediaType ?? "";
        var manifest = new Manifest(content, mediaType, digest);
        string? declared = Json.GetString(manifest.Json, "mediaType");
        if (!MediaTypes.All.Contains(mediaType) && declared is not null && MediaTypes.All.Contains(declared))
        {
            manifest = new Manifest(content, declared, digest);
        }

        if (!MediaTypes.All.Contains(manifest.MediaType))
        {
            throw new RegistryException($"{Registry} served {repository}:{reference} as '{mediaType}', which is not an image manifest or index.");
        }

        return manifest;
    }

    /// <summary>Gets a small blob, such as an image config, and checks it against its digest.</summary>
    public async Task<byte[]> GetBlobAsync(string repository, string digest)
    {
        if (!ImageReference.IsDigest(digest))
        {
            throw new RegistryException($"'{digest}' is not a sha256 digest.");
        }

        return _options.Cache is { } cache
            ? await cache.GetBlobAsync(Registry, repository, digest, () => ReadBlobAsync(repository, digest)).ConfigureAwait(false)
            : await ReadBlobAsync(repository, digest).ConfigureAwait(false);
    }

    private async Task<byte[]> ReadBlobAsync(string repository, string digest)
    {
        using HttpResponseMessage response = await SendAsync(
            repository,
            "pull",
            MaxBlobBytes,
            () => new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/blobs/{digest}")).ConfigureAwait(false);
        EnsureSuccess(response, $"reading the blob {digest} of {repository}");
        byte[] content = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        if (Sha256Digest(content) != digest)
        {
            throw new RegistryException($"{Registry} served a blob of {repository} whose bytes do not match its digest {digest}.");
        }

        return content;
    }

    /// <summary>Points a tag at a manifest whose blobs the repository already holds: no blob moves.</summary>
    public async Task PutManifestAsync(string repository, string tag, Manifest manifest)
    {
        using HttpResponseMessage response = await SendAsync(
            repository,
            "pull,push",
            MaxManifestBytes,
            () =>
            {
                var content = new ByteArrayContent(manifest.Content);
                content.Headers.ContentType = new MediaTypeHeaderValue(manifest.MediaType);
                return new HttpRequestMessage(HttpMethod.Put, $"v2/{repository}/manifests/{tag}") { Content = content };
            }).ConfigureAwait(false);
        EnsureSuccess(response, $"tagging {repository}:{tag}");
    }

    public void Dispose()
    {
        if (_ownsTransport)
        {
            _transport.Dispose();
        }
    }

    public static string Sha256Digest(byte[] content)
    {
        using var sha = SHA256.Create();
        return "sha256:" + ContentKey.Hex(sha.ComputeHash(content));
    }

    /// <summary>
    /// Sends a request, and after an authentication challenge, a token request and the request again:
    /// each its own request, bounded on its own. The answer returned has been read in full.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(string repository, string actions, int limit, Func<HttpRequestMessage> create)
    {
        string scope = $"repository:{repository}:{actions}";
        HttpResponseMessage response = await SendOnceAsync(scope, limit, create).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        AuthenticationHeaderValue? challenge = response.Headers.WwwAuthenticate.FirstOrDefault();
        AuthenticationHeaderValue? authorization = challenge is null ? null : await AuthorizeAsync(challenge, scope).ConfigureAwait(false);
        if (authorization is null)
        {
            return response;
        }

        response.Dispose();
        _authorizations[AuthorizationName(scope)] = authorization;
        return await SendOnceAsync(scope, limit, create).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendOnceAsync(string scope, int limit, Func<HttpRequestMessage> create)
    {
        // Bounded by the first request's own bound: a remembered plain-HTTP attempt, an HTTPS attempt and one in plain HTTP.
        bool first = await _transport.AwaitSchemeAsync(TimeSpan.FromTicks(_options.Timeout.Ticks * 3) + TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        try
        {
            if (first && _transport.FallbackAllowed && PlainHttpRegistries.Remembers(_options.PlainHttpFile, Registry))
            {
                _transport.StartInPlainHttp(HasPort(Registry));
            }

            bool fellBack = false;
            while (true)
            {
                bool fallbackAllowed = _transport.FallbackAllowed;
                bool remembered = _transport.PlainHttpRemembered;
                using HttpRequestMessage request = create();
                request.RequestUri = new Uri(_transport.BaseUri, request.RequestUri!);
                if (_authorizations.TryGetValue(AuthorizationName(scope), out AuthenticationHeaderValue? authorization))
                {
                    request.Headers.Authorization = authorization;
                }

                HttpResponseMessage response;
                try
                {
                    response = await ExchangeAsync(request, limit, Registry).ConfigureAwait(false);
                }
                catch (HttpRequestException e) when (remembered)
                {
                    // It spoke plain HTTP to an earlier build, not now (TLS now, or down): the SDK's way again.
                    ForgetPlainHttp();
                    GC.KeepAlive(e);
                    continue;
                }
                catch (HttpRequestException e) when (fallbackAllowed)
                {
                    // An insecure registry that does not speak TLS: the SDK falls back to plain HTTP too.
                    _transport.FallBackToHttp(HasPort(Registry));
                    fellBack = true;
                    GC.KeepAlive(e);
                    continue;
                }
                catch (HttpRequestException e)
                {
                    throw new RegistryException($"{Registry} cannot be reached: {Describe(e)}", e);
                }

                if (remembered && response.StatusCode == HttpStatusCode.BadRequest)
                {
                    // What a TLS server answers a plain-HTTP request with ("Client sent an HTTP request to an HTTPS server").
                    response.Dispose();
                    ForgetPlainHttp();
                    continue;
                }

                if (remembered)
                {
                    _transport.KeepScheme();
                }
                else if (fellBack)
                {
                    PlainHttpRegistries.Remember(_options.PlainHttpFile, Registry);
                }

                return response;
            }
        }
        finally
        {
            if (first)
            {
                _transport.SchemeLearnt();
            }
        }
    }

    private void ForgetPlainHttp()
    {
        _transport.ForgetPlainHttp();
        PlainHttpRegistries.Forget(_options.PlainHttpFile, Registry);
    }

    /// <summary>
    /// An authorization is kept per registry, use (which decides the credentials) and scope, so that the
    /// build's clients with the same credentials share their tokens instead of each asking for one.
    /// </summary>
    private string AuthorizationName(string scope) => Registry.ToLowerInvariant() + " " + _options.Use + " " + scope;

    private async Task<AuthenticationHeaderValue?> AuthorizeAsync(AuthenticationHeaderValue challenge, string scope)
    {
        RegistryCredentials? credentials = _credentials.Value;
        if (string.Equals(challenge.Scheme, "Basic", StringComparison.OrdinalIgnoreCase))
        {
            return credentials is null || credentials.Username.Length == 0 ? null : BasicAuthorization(credentials);
        }

        if (!string.Equals(challenge.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        Dictionary<string, string> parameters = ParseChallenge(challenge.Parameter ?? "");
        if (!parameters.TryGetValue("realm", out string? realm) || !Uri.TryCreate(realm, UriKind.Absolute, out Uri? realmUri))
        {
            throw new RegistryException($"{Registry} asked for a bearer token without a usable realm.");
        }

        parameters.TryGetValue("service", out string? service);
        if (parameters.TryGetValue("scope", out string? asked) && asked.Length > 0)
        {
            scope = asked;
        }

        string token = await RequestTokenAsync(realmUri, service, scope, credentials).ConfigureAwait(false);
        return new AuthenticationHeaderValue("Bearer", token);
    }

    private async Task<string> RequestTokenAsync(Uri realm, string? service, string scope, RegistryCredentials? credentials)
    {
        // As the SDK: an identity token is exchanged by POST; otherwise GET with basic credentials,
        // then, if the token service refuses that, POST them as a password grant.
        if (credentials?.IdentityToken is { Length: > 0 } refreshToken)
        {
            return await PostTokenRequestAsync(realm, service, scope, "refresh_token", new KeyValuePair<string, string>("refresh_token", refreshToken)).ConfigureAwait(false);
        }

        string query = "scope=" + Uri.EscapeDataString(scope) + (service is null ? "" : "&service=" + Uri.EscapeDataString(service));
        var get = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(realm) { Query = (realm.Query.Length > 1 ? realm.Query.Substring(1) + "&" : "") + query }.Uri);
        bool hasPassword = credentials is not null && credentials.Username.Length > 0;
        if (hasPassword)
        {
            get.Headers.Authorization = BasicAuthorization(credentials!);
        }

        using HttpResponseMessage response = await SendTokenRequestAsync(get).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode && hasPassword && (int)response.StatusCode < 500)
        {
            return await PostTokenRequestAsync(
                realm, service, scope, "password", new KeyValuePair<string, string>("username", credentials!.Username), new KeyValuePair<string, string>("password", credentials.Password)).ConfigureAwait(false);
        }

        return await ReadTokenAsync(response).ConfigureAwait(false);
    }

    private async Task<string> PostTokenRequestAsync(Uri realm, string? service, string scope, string grant, params KeyValuePair<string, string>[] fields)
    {
        var form = new List<KeyValuePair<string, string>> { new("grant_type", grant), new("client_id", "ContainerCache"), new("scope", scope) };
        if (service is not null)
        {
            form.Add(new("service", service));
        }

        form.AddRange(fields);
        using HttpResponseMessage response = await SendTokenRequestAsync(
            new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) }).ConfigureAwait(false);
        return await ReadTokenAsync(response).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendTokenRequestAsync(HttpRequestMessage request)
    {
        using (request)
        {
            try
            {
                return await ExchangeAsync(request, MaxManifestBytes, $"The token service of {Registry}").ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw new RegistryException($"The token service of {Registry} cannot be reached: {Describe(e)}", e);
            }
        }
    }

    private async Task<string> ReadTokenAsync(HttpResponseMessage response)
    {
        EnsureSuccess(response, "getting a token");
        byte[] body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        Dictionary<string, object?>? answer = Json.TryParseObject(Encoding.UTF8.GetString(body));
        string? token = Json.GetString(answer, "token") ?? Json.GetString(answer, "access_token");
        return string.IsNullOrEmpty(token)
            ? throw new RegistryException($"The token service of {Registry} answered without a token.")
            : token!;
    }

    private static AuthenticationHeaderValue BasicAuthorization(RegistryCredentials credentials) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials.Username + ":" + credentials.Password)));

    /// <summary>Parses <c>realm="...",service="...",scope="..."</c>; values may hold commas inside quotes.</summary>
    internal static Dictionary<string, string> ParseChallenge(string parameter)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int i = 0;
        while (i < parameter.Length)
        {
            while (i < parameter.Length && (parameter[i] == ',' || parameter[i] == ' '))
            {
                i++;
            }

            int equals = parameter.IndexOf('=', i);
            if (equals < 0)
            {
                break;
            }

            string name = parameter.Substring(i, equals - i).Trim();
            i = equals + 1;
            var value = new StringBuilder();
            if (i < parameter.Length && parameter[i] == '"')
            {
                i++;
                while (i < parameter.Length && parameter[i] != '"')
                {
                    if (parameter[i] == '\\' && i + 1 < parameter.Length)
                    {
                        i++;
                    }

                    value.Append(parameter[i++]);
                }

                i++;
            }
            else
            {
                while (i < parameter.Length && parameter[i] != ',')
                {
                    value.Append(parameter[i++]);
                }
            }

            result[name] = value.ToString().Trim();
        }

        return result;
    }

    private void EnsureSuccess(HttpResponseMessage response, string doing)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        int status = (int)response.StatusCode;
        string hint = status switch
        {
            401 => _credentials.Value is null ? " (no credentials found for it)" : $" (with {_credentials.Value})",
            403 => " (access denied)",
            _ => "",
        };
        throw new RegistryException($"{Registry} answered {status} {response.ReasonPhrase} while {doing}{hint}.");
    }

    /// <summary>
    /// Sends one request and reads its whole answer, within <see cref="RegistryClientOptions.Timeout"/>.
    /// The answer returned holds its body in memory. A registry that sends headers and then stalls or
    /// trickles its body fails here like one that never answers.
    /// </summary>
    private async Task<HttpResponseMessage> ExchangeAsync(HttpRequestMessage request, int limit, string who)
    {
        var deadline = new CancellationTokenSource(_options.Timeout);
        Task timeUp = Task.Delay(System.Threading.Timeout.Infinite, deadline.Token);
        Task<HttpResponseMessage> exchange = SendAndReadAsync(request, limit, deadline.Token);

        // Raced, not only cancelled: on .NET Framework a network read may not heed the token.
        await Task.WhenAny(exchange, timeUp).ConfigureAwait(false);
        if (exchange.Status == TaskStatus.RanToCompletion || !deadline.IsCancellationRequested)
        {
            deadline.Dispose();
            return await exchange.ConfigureAwait(false);
        }

        // Time is up. The exchange is ending (its answer disposed, which breaks off a pending read);
        // it is left to do so, and whatever it ends with is disposed or observed, never waited for.
        _ = exchange.ContinueWith(
            ended =>
            {
                if (ended.Status == TaskStatus.RanToCompletion)
                {
                    ended.Result.Dispose();
                }

                _ = ended.Exception; // observed: a failure after the bound is no one's news
                deadline.Dispose();
            },
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
        throw new RegistryException($"{who} did not answer within {_options.Timeout.TotalSeconds:0.#} s.");
    }

    private async Task<HttpResponseMessage> SendAndReadAsync(HttpRequestMessage request, int limit, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await _transport.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        try
        {
            // Disposing the body breaks off a read that ignores the token. Not on the timer's thread:
            // on .NET Framework, closing a body that is not read to its end may wait to drain it.
            HttpContent streamed = response.Content;
            byte[] body;
            using (cancellationToken.Register(() => Task.Run(streamed.Dispose)))
            {
                body = await ReadBoundedAsync(response, limit, cancellationToken).ConfigureAwait(false);
            }

            var buffered = new ByteArrayContent(body);
            foreach (KeyValuePair<string, IEnumerable<string>> header in streamed.Headers.Where(h => h.Key != "Content-Length"))
            {
                buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            streamed.Dispose();
            response.Content = buffered;
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, int limit, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > limit)
        {
            throw new RegistryException($"{Registry} answered with {response.Content.Headers.ContentLength} bytes, more than the {limit} expected.");
        }

        try
        {
            using Stream stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            var buffer = new MemoryStream();
            byte[] chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    throw new RegistryException($"{Registry} answered with more than the {limit} bytes expected.");
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        catch (Exception e) when ((e is IOException or HttpRequestException) && !cancellationToken.IsCancellationRequested)
        {
            throw new RegistryException($"{Registry} broke off its answer: {Describe(e)}", e);
        }
    }

    private static string Describe(Exception e) => e.InnerException is { } inner ? e.Message + " " + inner.Message : e.Message;

    /// <summary>The SDK talks plain HTTP to localhost without being told.</summary>
    public static bool IsLocalhost(string registry) =>
        HostName(registry).Equals("localhost", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the registry is listed in DOTNET_CONTAINER_INSECURE_REGISTRIES (separated by ';').</summary>
    public static bool IsInsecure(string registry, Func<string, string?> environment)
    {
        string? list = environment("DOTNET_CONTAINER_INSECURE_REGISTRIES");
        return list is not null && list.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries)
            .Any(r => string.Equals(r.Trim(), registry, StringComparison.OrdinalIgnoreCase));
    }

    private static bool HasPort(string registry) => registry.Length > HostName(registry).Length + (registry.StartsWith("[", StringComparison.Ordinal) ? 2 : 0);

    private static string HostName(string registry)
    {
        if (registry.StartsWith("[", StringComparison.Ordinal))
        {
            int close = registry.IndexOf(']');
            return close > 0 ? registry.Substring(1, close - 1) : registry;
        }

        int colon = registry.IndexOf(':');
        return colon < 0 ? registry : registry.Substring(0, colon);
    }
}
