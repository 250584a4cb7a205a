using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vouchers.LoadTests.Transport;

namespace Vouchers.LoadTests.Tests;

/// <summary>
/// The runner's HTTP/1.1 client, against a server that answers exactly the bytes each test scripts (lengths, chunks,
/// closes, split packets) and against Kestrel itself.
/// </summary>
public sealed class Http1ClientTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task ItWritesOneWellFormedRequestAndReadsABodyOfContentLength()
    {
        await using var server = new ScriptServer((_, _) => "HTTP/1.1 201 Created\r\nContent-Length: 11\r\nIdempotent-Replayed: true\r\n\r\n{\"id\":\"b1\"}");
        using var client = new Http1Client(server.Uri);

        var r = await client.SendAsync("POST", "/api/v1/admin/batches?x=1", new ApiKeyCredential("key-1.secret"), "{\"a\":\"é\"}"u8.ToArray(), None);

        Assert.Equal(201, r.Status);
        Assert.Equal("{\"id\":\"b1\"}", Encoding.UTF8.GetString(r.Body));
        Assert.True(r.Replayed);
        var request = Assert.Single(server.Requests);
        Assert.Equal(
            $"POST /api/v1/admin/batches?x=1 HTTP/1.1\r\nHost: 127.0.0.1:{server.Uri.Port}\r\nX-Api-Key: key-1.secret\r\n"
            + "Content-Type: application/json\r\nContent-Length: 10\r\n\r\n{\"a\":\"é\"}",
            request);
    }

    [Fact]
    public async Task AChunkedBodyIsReassembledEvenWhenItArrivesInPieces()
    {
        await using var server = new ScriptServer((_, _) =>
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n, chunked!\r\n0\r\n\r\n") { PieceSize = 3 };
        using var client = new Http1Client(server.Uri);

        var r = await client.SendAsync("GET", "/x", null, null, None);

        Assert.Equal(200, r.Status);
        Assert.Equal("hello, chunked!", Encoding.ASCII.GetString(r.Body));
        Assert.False(r.Replayed);
        Assert.Contains("Content-Length: 0\r\n", Assert.Single(server.Requests), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeptAliveConnectionsAreReusedAndAClosedOneIsNot()
    {
        await using var server = new ScriptServer((i, _) => i == 2
            ? "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nc"
            : "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nk");
        using var client = new Http1Client(server.Uri);

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(200, (await client.SendAsync("GET", "/", null, null, None)).Status);
        }

        // Requests 0-2 on the first connection (the third said close), request 3 on a second one.
        Assert.Equal(2, server.Accepted);
        Assert.Equal(4, server.Requests.Count);
    }

    [Fact]
    public async Task AConnectionTheServerClosedWhileIdleIsReplacedOnce()
    {
        await using var server = new ScriptServer((_, _) => "HTTP/1.1 204 No Content\r\n\r\n") { CloseAfterEachResponse = true };
        using var client = new Http1Client(server.Uri);

        Assert.Equal(204, (await client.SendAsync("DELETE", "/a", null, null, None)).Status);
        await Task.Delay(100);
        var second = await client.SendAsync("DELETE", "/b", null, null, None);

        Assert.Equal(204, second.Status);
        Assert.Empty(second.Body);
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task AResponseCutShortIsAnErrorNotAShortBody()
    {
        await using var server = new ScriptServer((_, _) => "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this") { CloseAfterEachResponse = true };
        using var client = new Http1Client(server.Uri);

        await Assert.ThrowsAsync<IOException>(() => client.SendAsync("GET", "/", null, null, None));
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task ABodyWithoutLengthEndsWhenTheServerClosesTheConnection()
    {
        await using var server = new ScriptServer((_, _) => "HTTP/1.0 200 OK\r\n\r\nto the end") { CloseAfterEachResponse = true };
        using var client = new Http1Client(server.Uri);

        var r = await client.SendAsync("GET", "/", null, null, None);

        Assert.Equal("to the end", Encoding.ASCII.GetString(r.Body));
    }

    [Theory]
    [InlineData("SMTP 220 hello\r\n\r\n")]
    [InlineData("HTTP/1.1 2x0 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")]
    public async Task AnAnswerThatIsNotHttpIsRefused(string answer)
    {
        await using var server = new ScriptServer((_, _) => answer);
        using var client = new Http1Client(server.Uri);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync("GET", "/", null, null, None));
    }

    [Fact]
    public async Task ARequestWithoutAnAnswerFailsAfterTheTimeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        using var client = new Http1Client(new Uri($"http://127.0.0.1:{port}"), TimeSpan.FromMilliseconds(300));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync("GET", "/", null, null, None));

        Assert.Contains("No answer within", error.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AnUnreachableTargetIsAnHttpRequestException()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        using var client = new Http1Client(new Uri($"http://127.0.0.1:{port}"));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync("GET", "/", null, null, None));
    }

    [Fact]
    public async Task KestrelsJsonAnswersAreReadWholeUnderConcurrency()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapPost("/echo", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var text = await reader.ReadToEndAsync();
            return Results.Json(new { length = text.Length, key = request.Headers["X-Api-Key"].ToString(), pad = new string('x', text.Length * 10) });
        });
        await app.StartAsync();
        var address = app.Urls.Single();
        using var client = new Http1Client(new Uri(address));

        var answers = await Task.WhenAll(Enumerable.Range(1, 200).Select(i =>
            client.SendAsync("POST", "/echo", new ApiKeyCredential($"k{i}"), Encoding.UTF8.GetBytes($"\"{new string('y', i * 37)}\""), None)));

        for (var i = 1; i <= 200; i++)
        {
            var r = answers[i - 1];
            Assert.Equal(200, r.Status);
            Assert.Equal(i * 37 + 2, r.Json.GetProperty("length").GetInt32());
            Assert.Equal($"k{i}", r.Json.GetProperty("key").GetString());
        }
    }

    /// <summary>
    /// Accepts connections on 127.0.0.1 and answers each request (read up to its headers' end and Content-Length)
    /// with the bytes the script gives for it, in pieces of <see cref="PieceSize"/> bytes when set.
    /// </summary>
    private sealed class ScriptServer : IAsyncDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly Func<int, string, string> script;
        private readonly CancellationTokenSource stop = new();
        private readonly Task loop;
        private int accepted;
        private int index;

        public ScriptServer(Func<int, string, string> script)
        {
            this.script = script;
            listener.Start();
            Uri = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
            loop = Task.Run(AcceptAsync);
        }

        public Uri Uri { get; }

        public int PieceSize { get; init; }

        public bool CloseAfterEachResponse { get; init; }

        public int Accepted => Volatile.Read(ref accepted);

        public ConcurrentQueue<string> Requests { get; } = new();

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            listener.Stop();
            await loop.ContinueWith(_ => { }, TaskScheduler.Default);
            stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await listener.AcceptSocketAsync(stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                Interlocked.Increment(ref accepted);
                _ = Task.Run(() => ServeAsync(socket));
            }
        }

        private async Task ServeAsync(Socket socket)
        {
            using var _ = socket;
            var buffer = new List<byte>();
            var chunk = new byte[4096];
            try
            {
                while (true)
                {
                    int headerEnd;
                    while ((headerEnd = IndexOf(buffer, "\r\n\r\n"u8.ToArray())) < 0)
                    {
                        var n = await socket.ReceiveAsync(chunk, SocketFlags.None, stop.Token);
                        if (n == 0)
                        {
                            return;
                        }

                        buffer.AddRange(chunk.AsSpan(0, n));
                    }

                    var head = Encoding.UTF8.GetString(buffer.GetRange(0, headerEnd).ToArray());
                    var lengthLine = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                    var length = lengthLine is null ? 0 : int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                    while (buffer.Count < headerEnd + 4 + length)
                    {
                        var n = await socket.ReceiveAsync(chunk, SocketFlags.None, stop.Token);
                        if (n == 0)
                        {
                            return;
                        }

                        buffer.AddRange(chunk.AsSpan(0, n));
                    }

                    var request = Encoding.UTF8.GetString(buffer.GetRange(0, headerEnd + 4 + length).ToArray());
                    buffer.RemoveRange(0, headerEnd + 4 + length);
                    Requests.Enqueue(request);
                    var answer = Encoding.UTF8.GetBytes(script(Interlocked.Increment(ref index) - 1, request));
                    var piece = PieceSize > 0 ? PieceSize : answer.Length;
                    for (var offset = 0; offset < answer.Length; offset += piece)
                    {
                        await socket.SendAsync(answer.AsMemory(offset, Math.Min(piece, answer.Length - offset)), SocketFlags.None, stop.Token);
                        if (PieceSize > 0)
                        {
                            await Task.Delay(1, stop.Token);
                        }
                    }

                    if (CloseAfterEachResponse)
                    {
                        socket.Shutdown(SocketShutdown.Both);
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }

        private static int IndexOf(List<byte> haystack, byte[] needle)
        {
            for (var i = 0; i + needle.Length <= haystack.Count; i++)
            {
                var match = true;
                for (var j = 0; j < needle.Length && match; j++)
                {
                    match = haystack[i + j] == needle[j];
                }

                if (match)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
