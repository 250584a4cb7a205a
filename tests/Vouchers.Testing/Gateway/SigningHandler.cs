using Vouchers.Http.Signing;

namespace Vouchers.Testing.Gateway;

/// <summary>
/// Signs every request it sends as a channel does (<see cref="RequestSignature"/>): a new nonce and the current time
/// each, over the method, the path and query and the body as they go on the wire; a request refused as
/// <c>signature-stale</c> (signed before a crashed nonce store recovered) is signed anew and sent again. Usable with
/// <c>WebApplicationFactory.CreateDefaultClient(handler)</c> and, given an inner handler, with a plain HttpClient for a
/// gateway started as a process.
/// </summary>
public sealed class SigningHandler : DelegatingHandler
{
    private readonly byte[] secret;
    private readonly TimeProvider time;

    public SigningHandler(string keyId, string secret, TimeProvider? time = null)
    {
        KeyId = keyId;
        this.secret = SigningSecrets.HmacKey(secret);
        this.time = time ?? TimeProvider.System;
    }

    /// <summary>For a plain HttpClient: sends through <paramref name="inner"/>.</summary>
    public SigningHandler(string keyId, string secret, HttpMessageHandler inner)
        : this(keyId, secret)
    {
        InnerHandler = inner;
    }

    /// <summary>How often a request refused as <c>signature-stale</c> is signed anew and sent again.</summary>
    public const int MaxAttempts = 5;

    public string KeyId { get; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = await BufferAsync(request, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            request.Headers.Remove("Authorization");
            request.Headers.TryAddWithoutValidation("Authorization", RequestSignature.Sign(
                KeyId, secret, request.Method.Method, request.RequestUri!.PathAndQuery, time.GetUtcNow().ToUnixTimeSeconds(), RequestSignature.NewNonce(), body));
            var response = await base.SendAsync(request, cancellationToken);
            if (attempt == MaxAttempts || !IsStale(response))
            {
                return response;
            }

            // Signed before the key's nonce store recovered from a crash (docs/SECURITY.md): nothing happened; as a
            // channel does, sign the request anew and send it again.
            response.Dispose();
            if (attempt > 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    private static bool IsStale(HttpResponseMessage response) =>
        response.StatusCode == System.Net.HttpStatusCode.Unauthorized
        && response.Headers.WwwAuthenticate.Any(h => h.Parameter?.Contains("error=\"signature-stale\"", StringComparison.Ordinal) == true);

    /// <summary>The body's bytes; the content is replaced by those bytes (with its headers), so what is sent is what was signed.</summary>
    private static async Task<byte[]> BufferAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is null)
        {
            return [];
        }

        var bytes = await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var buffered = new ByteArrayContent(bytes);
        foreach (var (name, values) in request.Content.Headers.NonValidated)
        {
            if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                buffered.Headers.TryAddWithoutValidation(name, values);
            }
        }

        request.Content = buffered;
        return bytes;
    }
}
