using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vouchers.LoadTests.Transport;

/// <summary>
/// A plain HTTP/1.1 client for <c>http://</c> targets: keep-alive connections from a pool, one request at a time per
/// connection, each request written with one send and its answer read into the connection's buffer. It does only
/// what the scenarios need (status, body, one header), so that the load generator spends as little of a shared box's
/// CPU as it can. Bodies come as Content-Length or chunked; a connection the server closed while idle is replaced
/// once, as HttpClient does; a request unanswered after <see cref="Timeout"/> fails, found by a once-a-second sweep
/// rather than a timer per request.
/// </summary>
public sealed class Http1Client : IDisposable
{
    private const int MaxHeaderBytes = 16 * 1024;
    private const int MaxBodyBytes = 16 * 1024 * 1024;
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();

    private readonly ConcurrentStack<Connection> idle = new();
    private readonly EndPoint endPoint;
    private readonly string host;
    private readonly ConcurrentDictionary<Connection, byte> open = new();
    private readonly Timer watchdog;
    private volatile bool disposed;

    public Http1Client(Uri target, TimeSpan? timeout = null)
    {
        Timeout = timeout ?? TimeSpan.FromSeconds(30);
        if (target.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException("Only http:// targets.", nameof(target));
        }

        endPoint = IPAddress.TryParse(target.Host.Trim('[', ']'), out var address)
            ? new IPEndPoint(address, target.Port)
            : new DnsEndPoint(target.Host, target.Port);
        host = target.IsDefaultPort ? target.Host : $"{target.Host}:{target.Port}";
        var period = TimeSpan.FromTicks(Math.Min(TimeSpan.TicksPerSecond, Math.Max(Timeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 10)));
        watchdog = new Timer(_ => AbortOverdue(), null, period, period);
    }

    /// <summary>How long a request may wait for its whole answer (default 30 s, as HttpClient's here).</summary>
    public TimeSpan Timeout { get; }

    public static bool Supports(Uri target) => target.Scheme == Uri.UriSchemeHttp;

    /// <summary>Sends one request and reads its whole answer.</summary>
    public async Task<ApiResponse> SendAsync(string method, string pathAndQuery, string? apiKey, byte[]? jsonBody, CancellationToken cancellationToken)
    {
        var request = Format(method, pathAndQuery.StartsWith('/') ? pathAndQuery : "/" + pathAndQuery, apiKey, jsonBody);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var reused = idle.TryPop(out var connection);
                if (connection is null)
                {
                    connection = await Connection.OpenAsync(endPoint, cancellationToken);
                    open[connection] = 0;
                }

                try
                {
                    var (response, keepAlive) = await connection.ExchangeAsync(request, cancellationToken);
                    if (keepAlive && !disposed)
                    {
                        idle.Push(connection);
                    }
                    else
                    {
                        Close(connection);
                    }

                    return response;
                }
                catch (Exception ex) when (connection.Overdue)
                {
                    Close(connection);
                    throw new HttpRequestException($"No answer within {Timeout.TotalSeconds:0.###} s.", ex);
                }
                catch (Exception ex) when (reused && attempt == 0 && !connection.ReceivedAny && ex is SocketException or IOException or HttpRequestException)
                {
                    // The server closed a kept-alive connection before this request reached it: try a new one.
                    Close(connection);
                }
                catch
                {
                    Close(connection);
                    throw;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(request.Array!);
        }
    }

    public void Dispose()
    {
        disposed = true;
        watchdog.Dispose();
        while (idle.TryPop(out var c))
        {
            Close(c);
        }
    }

    private void Close(Connection connection)
    {
        open.TryRemove(connection, out _);
        connection.Dispose();
    }

    /// <summary>
    /// Once a second (sooner for short timeouts): a connection whose request has waited longer than
    /// <see cref="Timeout"/> is closed, which ends the request with an error (a timer per request would cost more
    /// than the request).
    /// </summary>
    private void AbortOverdue()
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var connection in open.Keys)
        {
            connection.AbortIfOverdue(now, (long)(Timeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency));
        }
    }

    private ArraySegment<byte> Format(string method, string pathAndQuery, string? apiKey, byte[]? body)
    {
        var headLength = method.Length + pathAndQuery.Length + host.Length + (apiKey?.Length ?? 0) + 160;
        var buffer = ArrayPool<byte>.Shared.Rent(headLength * 3 + (body?.Length ?? 0));
        var n = 0;
        void Write(string s) => n += Encoding.UTF8.GetBytes(s, 0, s.Length, buffer, n);
        Write(method);
        Write(" ");
        Write(pathAndQuery);
        Write(" HTTP/1.1\r\nHost: ");
        Write(host);
        if (apiKey is not null)
        {
            Write("\r\nX-Api-Key: ");
            Write(apiKey);
        }

        if (body is not null)
        {
            Write("\r\nContent-Type: application/json");
        }

        Write("\r\nContent-Length: ");
        Utf8Formatter.TryFormat(body?.Length ?? 0, buffer.AsSpan(n), out var digits);
        n += digits;
        Write("\r\n\r\n");
        if (body is not null)
        {
            body.CopyTo(buffer, n);
            n += body.Length;
        }

        return new ArraySegment<byte>(buffer, 0, n);
    }

    private sealed class Connection : IDisposable
    {
        private readonly Socket socket;
        private byte[] buffer = new byte[4096];
        private int start;
        private int end;

        private long busySince;
        private volatile bool overdue;

        private Connection(Socket socket) => this.socket = socket;

        public bool ReceivedAny { get; private set; }

        public bool Overdue => overdue;

        public void AbortIfOverdue(long now, long timeoutTicks)
        {
            var since = Volatile.Read(ref busySince);
            if (since != 0 && now - since > timeoutTicks)
            {
                overdue = true;
                socket.Dispose();
            }
        }

        public static async Task<Connection> OpenAsync(EndPoint endPoint, CancellationToken cancellationToken)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                await socket.ConnectAsync(endPoint, timeout.Token);
                return new Connection(socket);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                throw new HttpRequestException($"Connecting to {endPoint} failed: {ex.Message}", ex);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                throw new HttpRequestException($"Connecting to {endPoint} took over 5 s.");
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        public async Task<(ApiResponse Response, bool KeepAlive)> ExchangeAsync(ArraySegment<byte> request, CancellationToken cancellationToken)
        {
            ReceivedAny = false;
            start = end = 0;
            Volatile.Write(ref busySince, System.Diagnostics.Stopwatch.GetTimestamp());
            try
            {
                return await ExchangeCoreAsync(request, cancellationToken);
            }
            finally
            {
                Volatile.Write(ref busySince, 0);
            }
        }

        private async Task<(ApiResponse Response, bool KeepAlive)> ExchangeCoreAsync(ArraySegment<byte> request, CancellationToken cancellationToken)
        {
            await socket.SendAsync(request.AsMemory(), SocketFlags.None, cancellationToken);

            int headerLength;
            while ((headerLength = buffer.AsSpan(start, end - start).IndexOf(HeaderEnd)) < 0)
            {
                if (end - start >= MaxHeaderBytes)
                {
                    throw new HttpRequestException("The response headers are too large.");
                }

                await FillAsync(cancellationToken);
            }

            var head = ParseHead(buffer.AsSpan(start, headerLength));
            start += headerLength + HeaderEnd.Length;
            byte[] body;
            if (head.Chunked)
            {
                body = await ReadChunkedAsync(cancellationToken);
            }
            else if (head.ContentLength is { } length)
            {
                if (length > MaxBodyBytes)
                {
                    throw new HttpRequestException("The response body is too large.");
                }

                while (end - start < length)
                {
                    await FillAsync(cancellationToken);
                }

                body = buffer.AsSpan(start, (int)length).ToArray();
                start += (int)length;
            }
            else if (head.Status is 204 or 304 or < 200)
            {
                body = [];
            }
            else
            {
                // No length: the body ends when the server closes the connection.
                while (await TryFillAsync(cancellationToken))
                {
                }

                body = buffer.AsSpan(start, end - start).ToArray();
                return (new ApiResponse(head.Status, body, head.Replayed), false);
            }

            return (new ApiResponse(head.Status, body, head.Replayed), head.KeepAlive && start == end);
        }

        public void Dispose() => socket.Dispose();

        private async Task<byte[]> ReadChunkedAsync(CancellationToken cancellationToken)
        {
            var body = new ArrayBufferWriter<byte>(256);
            while (true)
            {
                int lineEnd;
                while ((lineEnd = buffer.AsSpan(start, end - start).IndexOf("\r\n"u8)) < 0)
                {
                    await FillAsync(cancellationToken);
                }

                var sizeText = buffer.AsSpan(start, lineEnd);
                var semicolon = sizeText.IndexOf((byte)';');
                if (semicolon >= 0)
                {
                    sizeText = sizeText[..semicolon];
                }

                sizeText = sizeText.Trim((byte)' ');
                if (!Utf8Parser.TryParse(sizeText, out uint chunk, out var used, 'x') || used != sizeText.Length || chunk > MaxBodyBytes)
                {
                    throw new HttpRequestException("A chunk size is not valid.");
                }

                var size = (int)chunk;

                start += lineEnd + 2;
                if (size == 0)
                {
                    // Trailers (none expected) end with an empty line.
                    while (true)
                    {
                        int trailerEnd;
                        while ((trailerEnd = buffer.AsSpan(start, end - start).IndexOf("\r\n"u8)) < 0)
                        {
                            await FillAsync(cancellationToken);
                        }

                        start += trailerEnd + 2;
                        if (trailerEnd == 0)
                        {
                            return body.WrittenSpan.ToArray();
                        }
                    }
                }

                if (body.WrittenCount + size > MaxBodyBytes)
                {
                    throw new HttpRequestException("The response body is too large.");
                }

                while (end - start < size + 2)
                {
                    await FillAsync(cancellationToken);
                }

                body.Write(buffer.AsSpan(start, size));
                start += size + 2;
            }
        }

        private async Task FillAsync(CancellationToken cancellationToken)
        {
            if (!await TryFillAsync(cancellationToken))
            {
                throw new IOException("The server closed the connection before the response was complete.");
            }
        }

        private async Task<bool> TryFillAsync(CancellationToken cancellationToken)
        {
            if (start > 0 && start == end)
            {
                start = end = 0;
            }
            else if (end == buffer.Length)
            {
                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }
                else
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
            }

            var read = await socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return false;
            }

            ReceivedAny = true;
            end += read;
            return true;
        }

        private static Head ParseHead(ReadOnlySpan<byte> head)
        {
            var lineEnd = head.IndexOf("\r\n"u8);
            var statusLine = lineEnd < 0 ? head : head[..lineEnd];
            if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' '
                || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out var digits) || digits != 3 || status < 100)
            {
                throw new HttpRequestException("The response does not start with an HTTP/1.x status line.");
            }

            var keepAlive = statusLine[7] == (byte)'1';
            var chunked = false;
            var replayed = false;
            long? contentLength = null;
            var rest = lineEnd < 0 ? [] : head[(lineEnd + 2)..];
            while (!rest.IsEmpty)
            {
                var next = rest.IndexOf("\r\n"u8);
                var line = next < 0 ? rest : rest[..next];
                rest = next < 0 ? [] : rest[(next + 2)..];
                var colon = line.IndexOf((byte)':');
                if (colon <= 0)
                {
                    continue;
                }

                var name = line[..colon];
                var value = line[(colon + 1)..].Trim((byte)' ');
                if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
                {
                    if (!Utf8Parser.TryParse(value, out long length, out var used) || used != value.Length || length < 0)
                    {
                        throw new HttpRequestException("The Content-Length is not valid.");
                    }

                    contentLength = length;
                }
                else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
                {
                    chunked = Ascii.EqualsIgnoreCase(value, "chunked"u8);
                }
                else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
                {
                    keepAlive = !Ascii.EqualsIgnoreCase(value, "close"u8) && (keepAlive || Ascii.EqualsIgnoreCase(value, "keep-alive"u8));
                }
                else if (Ascii.EqualsIgnoreCase(name, "Idempotent-Replayed"u8))
                {
                    replayed = Ascii.EqualsIgnoreCase(value, "true"u8);
                }
            }

            return new Head(status, contentLength, chunked, keepAlive, replayed);
        }
    }

    private readonly record struct Head(int Status, long? ContentLength, bool Chunked, bool KeepAlive, bool Replayed);
}
