using System;
using System.Collections.Concurrent;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace ContainerCache.Registry;

/// <summary>
/// How requests reach one registry: the HTTP client and the scheme. Every <see cref="RegistryClient"/>
/// of a process that is not given a handler shares one per registry (<see cref="For"/>), so that the
/// tasks of a build reuse each other's keep-alive connections and the scheme the first request found,
/// instead of each opening new connections and trying HTTPS again.
/// </summary>
internal sealed class RegistryTransport : IDisposable
{
    private static readonly ConcurrentDictionary<string, RegistryTransport> Shared = new(StringComparer.OrdinalIgnoreCase);

    private readonly SemaphoreSlim _firstRequest = new(1, 1);
    private readonly Uri _httpsUri;
    private readonly bool _insecure;
    private volatile Uri _baseUri;
    private volatile bool _fallbackAllowed;
    private volatile bool _plainHttpRemembered;
    private volatile bool _schemeKnown;

    /// <param name="insecure">
    /// Like the SDK: HTTPS first, and for localhost and the listed insecure registries, any certificate
    /// is accepted and a registry that does not speak TLS is spoken to in plain HTTP.
    /// </param>
    internal RegistryTransport(string registry, bool insecure, HttpMessageHandler? handler)
    {
        // Not HttpClient.Timeout: it stops at the headers of a streamed answer. RegistryClient bounds the whole request.
        Http = new HttpClient(handler ?? CreateHandler(insecure), disposeHandler: handler is null) { Timeout = Timeout.InfiniteTimeSpan };
        Http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("ContainerCache", "1.0"));
        string host = registry == ImageReference.DockerHub ? "registry-1.docker.io" : registry;
        _httpsUri = _baseUri = new Uri("https://" + host + "/");
        _fallbackAllowed = _insecure = insecure;
    }

    public HttpClient Http { get; }

    public Uri BaseUri => _baseUri;

    public bool FallbackAllowed => _fallbackAllowed;

    /// <summary>The process's transport to <paramref name="registry"/>; never disposed (its idle connections close on their own).</summary>
    public static RegistryTransport For(string registry, bool insecure) =>
        Shared.GetOrAdd((insecure ? "insecure:" : "secure:") + registry, _ => new RegistryTransport(registry, insecure, handler: null));

    /// <summary>
    /// Whether the first request goes in plain HTTP because an earlier build remembered that this insecure
    /// registry answered so (<see cref="PlainHttpRegistries"/>); until that request answers, a failure
    /// takes the SDK's way again (<see cref="ForgetPlainHttp"/>).
    /// </summary>
    public bool PlainHttpRemembered => _plainHttpRemembered;

    /// <summary>An insecure registry that does not speak TLS: from now on plain HTTP, as the SDK falls back too.</summary>
    public void FallBackToHttp(bool registryHasPort)
    {
        _fallbackAllowed = false;
        _baseUri = new UriBuilder(_httpsUri) { Scheme = "http", Port = registryHasPort ? _httpsUri.Port : 80 }.Uri;
    }

    /// <summary>
    /// Starts in plain HTTP, skipping the HTTPS attempt, for an insecure registry an earlier build found
    /// speaking plain HTTP. Only by the first request (see <see cref="AwaitSchemeAsync"/>), before any
    /// has learnt the scheme, and never for a registry that is not insecure (the SDK would never speak
    /// plain HTTP to it).
    /// </summary>
    public void StartInPlainHttp(bool registryHasPort)
    {
        if (!_insecure || _schemeKnown || !_fallbackAllowed)
        {
            return;
        }

        FallBackToHttp(registryHasPort);
        _plainHttpRemembered = true;
    }

    /// <summary>A remembered plain-HTTP start that failed: back to the SDK's way, HTTPS first, then plain HTTP.</summary>
    public void ForgetPlainHttp()
    {
        _plainHttpRemembered = false;
        _baseUri = _httpsUri;
        _fallbackAllowed = _insecure;
    }

    /// <summary>The first request answered in the scheme it used: nothing is tried again.</summary>
    public void KeepScheme() => _plainHttpRemembered = false;

    /// <summary>
    /// Until one request has learnt the scheme, requests go one at a time, so that parallel first requests
    /// do not each try HTTPS against a plain-HTTP registry. Returns whether the caller is that first request
    /// (then it calls <see cref="SchemeLearnt"/> when done). The wait is bounded: the first request is.
    /// </summary>
    public async Task<bool> AwaitSchemeAsync(TimeSpan bound)
    {
        if (_schemeKnown)
        {
            return false;
        }

        if (!await _firstRequest.WaitAsync(bound).ConfigureAwait(false))
        {
            return false;
        }

        if (_schemeKnown)
        {
            _firstRequest.Release();
            return false;
        }

        return true;
    }

    /// <summary>Ends the first request, however it ended: later requests no longer wait.</summary>
    public void SchemeLearnt()
    {
        _schemeKnown = true;
        _firstRequest.Release();
    }

    /// <summary>Only for a transport of one's own (a client given a handler); the shared ones live as long as the process.</summary>
    public void Dispose() => Http.Dispose();

    private static HttpMessageHandler CreateHandler(bool acceptAnyCertificate)
    {
        var handler = new HttpClientHandler { UseProxy = true };
        if (acceptAnyCertificate)
        {
            handler.ServerCertificateCustomValidationCallback = (_, _, _, _) => true;
        }

        return handler;
    }
}
