using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ContainerCache.TestRegistry;

/// <summary>
/// Reads one HTTP/1.1 request from a connection: first its head, then its body as this stream, which ends
/// where the body ends, whether framed by Content-Length or by chunked transfer coding.
/// </summary>
internal sealed class HttpRequestReader(Stream connection) : Stream
{
    private const int MaxLineLength = 64 * 1024;

    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _chunked;
    private long _remaining; // Bytes left in the body, or in the current chunk when chunked.
    private bool _lastChunkRead;

    public string Method { get; private set; } = "";

    /// <summary>The request target: a path and query (an absolute URL is cut down to its path and query).</summary>
    public string Target { get; private set; } = "";

    public List<(string Name, string Value)> Headers { get; } = [];

    /// <summary>The body's length: null when chunked or when the request has no body.</summary>
    public long? ContentLength { get; private set; }

    public bool HasBody { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>The next byte, left unread, or -1 at the end of the connection.</summary>
    public async ValueTask<int> PeekByteAsync(CancellationToken cancellationToken) =>
        _start < _end || await FillAsync(cancellationToken).ConfigureAwait(false) ? _buffer[_start] : -1;

    /// <summary>Reads the request line and the header fields; false when the connection does not start with a request line.</summary>
    public async ValueTask<bool> ReadHeadAsync(CancellationToken cancellationToken)
    {
        string[] requestLine = (await ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? "").Split(' ');
        while (await ReadLineAsync(cancellationToken).ConfigureAwait(false) is { Length: > 0 } line)
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            Headers.Add(colon > 0 ? (line[..colon].Trim(), line[(colon + 1)..].Trim()) : (line, ""));
        }

        Uri? absolute = null;
        if (requestLine.Length != 3 || !(requestLine[1].StartsWith('/') || Uri.TryCreate(requestLine[1], UriKind.Absolute, out absolute)))
        {
            return false;
        }

        Method = requestLine[0];
        Target = absolute?.PathAndQuery ?? requestLine[1];
        _chunked = Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true;
        ContentLength = !_chunked && long.TryParse(Header("Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out long length) ? length : null;
        HasBody = _chunked || ContentLength is not null;
        _remaining = ContentLength ?? 0;
        return true;
    }

    public string? Header(string name) =>
        Headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => (string?)h.Value).FirstOrDefault();

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (_remaining == 0 && _chunked && !_lastChunkRead)
        {
            await NextChunkAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_remaining == 0 || destination.Length == 0)
        {
            return 0;
        }

        if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new IOException("The connection closed in the middle of a request body.");
        }

        int count = (int)Math.Min(Math.Min(destination.Length, _end - _start), _remaining);
        _buffer.AsMemory(_start, count).CopyTo(destination);
        _start += count;
        _remaining -= count;
        if (_remaining == 0 && _chunked && await ReadLineAsync(cancellationToken).ConfigureAwait(false) != "")
        {
            throw new IOException("Malformed chunked body: no line end after a chunk.");
        }

        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Reads a line without its line end, or null at the end of the connection.</summary>
    private async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        while (true)
        {
            if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return line.Length == 0 ? null : throw new IOException("The connection closed in the middle of a line.");
            }

            int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            int stop = newline < 0 ? _end : newline;
            line.Append(Encoding.Latin1.GetString(_buffer, _start, stop - _start));
            _start = newline < 0 ? _end : newline + 1;
            if (line.Length > MaxLineLength)
            {
                throw new IOException("Line too long.");
            }

            if (newline >= 0)
            {
                return line.ToString().TrimEnd('\r');
            }
        }
    }

    private async Task NextChunkAsync(CancellationToken cancellationToken)
    {
        string line = await ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? throw new IOException("The connection closed before the next chunk.");
        string size = line.Split(';', 2)[0].Trim();
        if (!long.TryParse(size, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _remaining) || _remaining < 0)
        {
            throw new IOException($"Malformed chunk size \"{line}\".");
        }

        if (_remaining == 0)
        {
            _lastChunkRead = true;
            while (await ReadLineAsync(cancellationToken).ConfigureAwait(false) is { Length: > 0 })
            {
                // Trailer fields are dropped.
            }
        }
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        _start = 0;
        _end = await connection.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
        return _end > 0;
    }
}
