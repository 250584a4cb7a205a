using System.Buffers;
using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;

namespace Vouchers.LoadTests.Transport;

/// <summary>
/// One keep-alive TCP connection of <see cref="Http1Client"/>: one request at a time, written with one send, its
/// answer read into the connection's own buffer (Content-Length, chunked, or up to the close). It knows since when
/// its request waits, so that the client's sweep can abort it when overdue.
/// </summary>
internal sealed class Http1Connection : IDisposable
{
    private const int MaxHeaderBytes = 16 * 1024;
    private const int MaxBodyBytes = 16 * 1024 * 1024;
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();

    private readonly Socket socket;
    private byte[] buffer = new byte[4096];
    private int start;
    private int end;

    private long busySince;
    private volatile bool overdue;

    private Http1Connection(Socket socket) => this.socket = socket;

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

    public static async Task<Http1Connection> OpenAsync(EndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await socket.ConnectAsync(endPoint, timeout.Token);
            return new Http1Connection(socket);
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

        var head = Http1ResponseHead.Parse(buffer.AsSpan(start, headerLength));
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
}
