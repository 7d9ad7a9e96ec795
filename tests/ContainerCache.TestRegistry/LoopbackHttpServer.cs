using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ContainerCache.TestRegistry;

/// <summary>
/// A minimal HTTP/1.1 server on a free port of 127.0.0.1 that answers any Host header. Each connection carries
/// one request, handled on a task of its own; answers end with <c>Connection: close</c>, so there are no idle
/// keep-alive connections for a client to race against.
/// </summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private const int TlsHandshake = 0x16;
    private const string TlsRejection = "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";

    private readonly Func<HttpRequestReader, Stream, CancellationToken, Task> _handler;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<TcpClient, bool> _connections = new();
    private readonly Task _acceptLoop;
    private int _disposed;
    private int _tlsAttempts;

    /// <param name="handler">Handles a request whose head has been read; it reads the body from the reader and writes the answer to the stream.</param>
    public LoopbackHttpServer(Func<HttpRequestReader, Stream, CancellationToken, Task> handler)
    {
        _handler = handler;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    /// <summary>How many connections began with a TLS handshake (a client trying HTTPS first), answered as Go's server does.</summary>
    public int TlsAttempts => Volatile.Read(ref _tlsAttempts);

    /// <summary>Writes a status line and header fields, adding <c>Connection: close</c>.</summary>
    public static async Task WriteHeadAsync(
        Stream network, int status, string? reason, IEnumerable<(string Name, string Value)> headers, CancellationToken cancellationToken)
    {
        var text = new StringBuilder($"HTTP/1.1 {status} {reason}\r\n");
        foreach ((string name, string value) in headers)
        {
            text.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        text.Append("Connection: close\r\n\r\n");
        await network.WriteAsync(Encoding.Latin1.GetBytes(text.ToString()), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes a whole answer; the body is left out (but counted in Content-Length) when answering a HEAD request.</summary>
    public static async Task WriteResponseAsync(
        Stream network, bool head, int status, string reason, string contentType, byte[] body,
        IEnumerable<(string Name, string Value)> headers, CancellationToken cancellationToken)
    {
        var all = new List<(string, string)> { ("Content-Type", contentType), ("Content-Length", $"{body.Length}") };
        all.AddRange(headers);
        await WriteHeadAsync(network, status, reason, all, cancellationToken).ConfigureAwait(false);
        await network.WriteAsync(head ? [] : body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops listening and closes every open connection, abandoning requests in progress.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        _listener.Stop();
        foreach (TcpClient connection in _connections.Keys)
        {
            connection.Dispose();
        }

        await _acceptLoop.ConfigureAwait(false);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient connection;
            try
            {
                connection = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _connections[connection] = true;
            _ = Task.Run(() => ServeAsync(connection));
        }
    }

    private async Task ServeAsync(TcpClient connection)
    {
        CancellationToken cancellationToken = _stop.Token;
        try
        {
            connection.NoDelay = true;
            NetworkStream network = connection.GetStream();
            var request = new HttpRequestReader(network);
            if (await request.PeekByteAsync(cancellationToken).ConfigureAwait(false) == TlsHandshake)
            {
                Interlocked.Increment(ref _tlsAttempts);
                // Answer like Go's server, so that clients trying HTTPS first (the .NET SDK does for localhost) fall back to HTTP.
                await network.WriteAsync(Encoding.Latin1.GetBytes(TlsRejection), cancellationToken).ConfigureAwait(false);
            }
            else if (await request.ReadHeadAsync(cancellationToken).ConfigureAwait(false))
            {
                await _handler(request, network, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            _connections.TryRemove(connection, out _);
            connection.Dispose();
        }
    }
}
