using System.Net.Http.Headers;

namespace Vouchers.LoadTests.Transport;

/// <summary>
/// How the runner's requests reach the target. Requests to an <c>http://</c> target go through
/// <see cref="Http1Client"/> (the runner's own lean HTTP/1.1 client); <c>https://</c> targets, tests that bring their
/// own handler, and every target when <c>VOUCHERS_LOADTEST_HTTPCLIENT=1</c> is set (to compare), through one pooled
/// HttpClient for the whole run: no proxy, no redirects, no cookies.
/// </summary>
public sealed class HttpTransport : IDisposable
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");
    private readonly HttpClient http;
    private readonly Http1Client? lean;

    public HttpTransport(Uri target, HttpMessageHandler? handler = null)
    {
        lean = handler is null && Http1Client.Supports(target) && Environment.GetEnvironmentVariable("VOUCHERS_LOADTEST_HTTPCLIENT") != "1"
            ? new Http1Client(target)
            : null;
        handler ??= new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        http = new HttpClient(handler) { BaseAddress = target, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Target => http.BaseAddress!;

    /// <summary>Sends one request, with a credential (an API key or a channel's signature) and a JSON body when given, and reads its whole answer.</summary>
    public Task<ApiResponse> SendAsync(HttpMethod method, string path, Credential? credential, byte[]? jsonBody, CancellationToken cancellationToken) =>
        lean is not null
            ? lean.SendAsync(method.Method, path, credential, jsonBody, cancellationToken)
            : SendThroughHttpClientAsync(method, path, credential, jsonBody, cancellationToken);

    public void Dispose()
    {
        lean?.Dispose();
        http.Dispose();
    }

    private async Task<ApiResponse> SendThroughHttpClientAsync(HttpMethod method, string path, Credential? credential, byte[]? jsonBody, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        // What goes on the request line is what is signed: the path made absolute against the target, as HttpClient sends it.
        credential?.AddTo(request, new Uri(http.BaseAddress!, path).PathAndQuery, jsonBody);

        if (jsonBody is not null)
        {
            request.Content = new ByteArrayContent(jsonBody);
            request.Content.Headers.ContentType = JsonType;
        }

        using var response = await http.SendAsync(request, cancellationToken);
        var content = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var replayed = response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Contains("true", StringComparer.OrdinalIgnoreCase);
        return new ApiResponse((int)response.StatusCode, content, replayed);
    }
}
