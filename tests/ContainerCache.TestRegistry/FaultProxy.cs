using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ContainerCache.TestRegistry;

/// <summary>
/// A plain-HTTP reverse proxy on a loopback port in front of a registry, which records requests and can be told
/// to fail some of them. Each connection carries one request (answers say <c>Connection: close</c>).
/// </summary>
public sealed class FaultProxy : IAsyncDisposable, IDisposable
{
    // Not forwarded either way; Content-Length is rewritten from the body actually sent.
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Expect", "Host", "Content-Length",
    };

    private readonly Uri _upstream;
    private readonly HttpClient _http;
    private readonly ConcurrentQueue<HttpRequestSummary> _requests = new();
    private readonly List<Func<HttpRequestSummary, Fault?>> _rules = [];
    private readonly LoopbackHttpServer _server;
    private int _disposed;

    private FaultProxy(Uri upstream)
    {
        _upstream = upstream;
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false })
        {
            Timeout = TimeSpan.FromMinutes(5),
        };
        _server = new LoopbackHttpServer(HandleAsync);
    }

    public int Port => _server.Port;

    /// <summary>"localhost:PORT", to use in image references instead of the upstream registry's host.</summary>
    public string Host => $"localhost:{Port}";

    /// <summary>How many connections began with a TLS handshake: each is a client trying HTTPS, which this proxy does not speak.</summary>
    public int TlsAttempts => _server.TlsAttempts;

    /// <summary>Every request received so far, in order of arrival, faulted or not.</summary>
    public IReadOnlyList<HttpRequestSummary> Requests => _requests.ToArray();

    /// <param name="upstream">The registry's base URL, such as http://localhost:5000; "localhost:5000" means the same.</param>
    public static FaultProxy Start(string upstream) =>
        new(new Uri(upstream.Contains("://", StringComparison.Ordinal) ? upstream : "http://" + upstream));

    /// <summary>
    /// Applies <paramref name="fault"/> to the next <paramref name="times"/> requests with this method (any when null)
    /// and a path and query containing the text. Earlier rules win.
    /// </summary>
    public void FailWhen(string? method, string pathContains, Fault fault, int times = int.MaxValue)
    {
        int remaining = times;
        FailWhen(request => Matches(request, method, pathContains) && Interlocked.Decrement(ref remaining) >= 0 ? fault : null);
    }

    /// <summary>Adds a rule that picks a fault for a request, or null to leave it to later rules.</summary>
    public void FailWhen(Func<HttpRequestSummary, Fault?> rule)
    {
        lock (_rules)
        {
            _rules.Add(rule);
        }
    }

    public void ClearFaults()
    {
        lock (_rules)
        {
            _rules.Clear();
        }
    }

    /// <summary>Counts the requests received with this method (any when null) and a path and query containing the text.</summary>
    public int Count(string? method, string pathContains) => _requests.Count(r => Matches(r, method, pathContains));

    /// <summary>Stops listening and drops every connection, including requests held by a delay.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _server.DisposeAsync().ConfigureAwait(false);
        _http.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static bool Matches(HttpRequestSummary request, string? method, string pathContains) =>
        (method is null || string.Equals(request.Method, method, StringComparison.OrdinalIgnoreCase))
        && request.PathAndQuery.Contains(pathContains, StringComparison.Ordinal);

    private async Task HandleAsync(HttpRequestReader input, Stream network, CancellationToken cancellationToken)
    {
        var request = new HttpRequestSummary(input.Method, input.Target);
        _requests.Enqueue(request);
        Fault? fault = PickFault(request);
        if (fault?.Kind == FaultKind.Drop)
        {
            return;
        }

        if (string.Equals(input.Header("Expect"), "100-continue", StringComparison.OrdinalIgnoreCase))
        {
            await network.WriteAsync(Encoding.Latin1.GetBytes("HTTP/1.1 100 Continue\r\n\r\n"), cancellationToken).ConfigureAwait(false);
        }

        bool head = request.Method == "HEAD";
        if (fault?.Kind is FaultKind.Status or FaultKind.Garbage)
        {
            // Read the whole body first: closing with unread data would reset the connection before the client sees the answer.
            await input.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            await WriteFaultAsync(network, fault, head, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (fault?.Kind == FaultKind.Delay)
        {
            await Task.Delay(fault.Duration, cancellationToken).ConfigureAwait(false);
        }

        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_upstream, request.PathAndQuery));
        if (input.HasBody)
        {
            forward.Content = new StreamContent(input);
            forward.Content.Headers.ContentLength = input.ContentLength;
        }

        foreach ((string name, string value) in input.Headers.Where(h => !HopByHop.Contains(h.Name)))
        {
            if (!forward.Headers.TryAddWithoutValidation(name, value))
            {
                forward.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            byte[] message = Encoding.UTF8.GetBytes($"FaultProxy: upstream failed: {e.Message}");
            await LoopbackHttpServer.WriteResponseAsync(network, head, 502, "Bad Gateway", "text/plain", message, [], cancellationToken).ConfigureAwait(false);
            return;
        }

        using (response)
        {
            string authority = input.Header("Host") ?? Host;
            IEnumerable<(string, string)> responseHeaders =
                from header in response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated)
                where !HopByHop.Contains(header.Key)
                from value in header.Value
                select (header.Key, header.Key.Equals("Location", StringComparison.OrdinalIgnoreCase) ? RewriteLocation(value, authority) : value);
            if (response.Content.Headers.ContentLength is long contentLength)
            {
                responseHeaders = responseHeaders.Append(("Content-Length", $"{contentLength}"));
            }

            await LoopbackHttpServer.WriteHeadAsync(network, (int)response.StatusCode, response.ReasonPhrase, responseHeaders, cancellationToken).ConfigureAwait(false);
            if (head)
            {
                return;
            }

            switch (fault?.Kind)
            {
                case FaultKind.StalledBody:
                    await network.FlushAsync(cancellationToken).ConfigureAwait(false);
                    await WaitForHangUpAsync(network, cancellationToken).ConfigureAwait(false);
                    break;
                case FaultKind.TrickledBody:
                    await TrickleAsync(network, await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), fault.Duration, cancellationToken)
                        .ConfigureAwait(false);
                    break;
                default:
                    await response.Content.CopyToAsync(network, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    // The request has been read in full, so anything read now is the client closing the connection.
    private static async Task WaitForHangUpAsync(Stream network, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[256];
        while (await network.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
        {
        }
    }

    // Ends when the body is sent, or when a write fails because the client has hung up.
    private static async Task TrickleAsync(Stream network, byte[] body, TimeSpan interval, CancellationToken cancellationToken)
    {
        for (int i = 0; i < body.Length; i++)
        {
            await network.WriteAsync(body.AsMemory(i, 1), cancellationToken).ConfigureAwait(false);
            await network.FlushAsync(cancellationToken).ConfigureAwait(false);
            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteFaultAsync(Stream network, Fault fault, bool head, CancellationToken cancellationToken)
    {
        if (fault.Kind == FaultKind.Garbage)
        {
            string bogusDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData("bogus"u8));
            await LoopbackHttpServer.WriteResponseAsync(network, head, 200, "OK", MediaTypes.OciManifest, "<html>this is not a manifest"u8.ToArray(),
                [("Docker-Content-Digest", bogusDigest)], cancellationToken).ConfigureAwait(false);
            return;
        }

        byte[] error = Encoding.UTF8.GetBytes($$"""{"errors":[{"code":"UNKNOWN","message":"FaultProxy: injected {{fault.StatusCode}}"}]}""");
        await LoopbackHttpServer.WriteResponseAsync(network, head, fault.StatusCode, "FaultProxy", "application/json", error, [], cancellationToken)
            .ConfigureAwait(false);
    }

    private Fault? PickFault(HttpRequestSummary request)
    {
        lock (_rules)
        {
            return _rules.Select(rule => rule(request)).FirstOrDefault(fault => fault is not null);
        }
    }

    // The registry builds absolute Location URLs from the Host it was asked for, which is the upstream's.
    private string RewriteLocation(string location, string authority)
    {
        if (!Uri.TryCreate(location, UriKind.Absolute, out Uri? uri) || uri.Port != _upstream.Port || !(uri.IsLoopback || uri.Host == _upstream.Host))
        {
            return location;
        }

        int pathStart = location.IndexOf('/', location.IndexOf("://", StringComparison.Ordinal) + 3);
        return $"http://{authority}{(pathStart < 0 ? "/" : location[pathStart..])}";
    }
}
