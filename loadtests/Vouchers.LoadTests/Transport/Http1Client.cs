using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

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
    private readonly ConcurrentStack<Http1Connection> idle = new();
    private readonly EndPoint endPoint;
    private readonly string host;
    private readonly ConcurrentDictionary<Http1Connection, byte> open = new();
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
    public async Task<ApiResponse> SendAsync(string method, string pathAndQuery, Credential? credential, byte[]? jsonBody, CancellationToken cancellationToken)
    {
        var request = Http1Request.Format(method, pathAndQuery.StartsWith('/') ? pathAndQuery : "/" + pathAndQuery, host, credential, jsonBody);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var reused = idle.TryPop(out var connection);
                if (connection is null)
                {
                    connection = await Http1Connection.OpenAsync(endPoint, cancellationToken);
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

    private void Close(Http1Connection connection)
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
}
