using Vouchers.Http.Signing;

namespace Vouchers.Testing.Gateway;

/// <summary>
/// Signs every request it sends as a channel does (<see cref="RequestSignature"/>): a new nonce and the current time
/// each, over the method, the path and query and the body as they go on the wire. Usable with
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

    public string KeyId { get; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = await BufferAsync(request, cancellationToken);
        request.Headers.Authorization = null;
        request.Headers.TryAddWithoutValidation("Authorization", RequestSignature.Sign(
            KeyId, secret, request.Method.Method, request.RequestUri!.PathAndQuery, time.GetUtcNow().ToUnixTimeSeconds(), RequestSignature.NewNonce(), body));
        return await base.SendAsync(request, cancellationToken);
    }

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
