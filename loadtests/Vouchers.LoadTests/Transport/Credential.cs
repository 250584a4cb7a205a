using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Vouchers.LoadTests.Transport;

/// <summary>How a request authenticates: an API key (admins, institutions) or a channel's request-signing key.</summary>
public abstract record Credential
{
    /// <summary>At most how many bytes <see cref="WriteHeader"/> writes for a request with this path.</summary>
    internal abstract int MaxHeaderBytes(int pathAndQueryLength);

    /// <summary>Writes the header line, starting with its "\r\n", into <paramref name="destination"/>; returns the bytes written.</summary>
    internal abstract int WriteHeader(Span<byte> destination, string method, string pathAndQuery, ReadOnlySpan<byte> body);

    /// <summary>The same header on a request sent through HttpClient.</summary>
    internal abstract void AddTo(HttpRequestMessage request, string pathAndQuery, ReadOnlySpan<byte> body);
}

/// <summary>An X-Api-Key value, "{keyId}.{secret}".</summary>
public sealed record ApiKeyCredential(string Key) : Credential
{
    internal override int MaxHeaderBytes(int pathAndQueryLength) => 15 + (Key.Length * 3);

    internal override int WriteHeader(Span<byte> destination, string method, string pathAndQuery, ReadOnlySpan<byte> body)
    {
        "\r\nX-Api-Key: "u8.CopyTo(destination);
        return 13 + Encoding.UTF8.GetBytes(Key, destination[13..]);
    }

    internal override void AddTo(HttpRequestMessage request, string pathAndQuery, ReadOnlySpan<byte> body) =>
        request.Headers.TryAddWithoutValidation("X-Api-Key", Key);
}

/// <summary>
/// A channel's request-signing key: each request is signed as docs/API.md publishes it (VOUCHERS-HMAC-SHA256 over
/// <c>METHOD\nPATH_AND_QUERY\nTIMESTAMP\nNONCE\nHEX_SHA256_OF_BODY\n</c> with the ASCII bytes of the secret), written
/// straight into the request's buffer: no allocation per request.
/// </summary>
public sealed record SigningKeyCredential : Credential
{
    private const int NonceBytes = 16;
    private const int NonceChars = 22;
    private const int CanonicalOnStack = 1024;

    private readonly byte[] keyIdBytes;
    private readonly byte[] secretBytes;

    public SigningKeyCredential(string keyId, string secret)
    {
        KeyId = keyId;
        Secret = secret;
        keyIdBytes = Encoding.ASCII.GetBytes(keyId);
        secretBytes = Encoding.ASCII.GetBytes(secret);
    }

    public string KeyId { get; }

    public string Secret { get; }

    public bool Equals(SigningKeyCredential? other) => other is not null && KeyId == other.KeyId && Secret == other.Secret;

    public override int GetHashCode() => HashCode.Combine(KeyId, Secret);

    // \r\nAuthorization: VOUCHERS-HMAC-SHA256 keyId="…",timestamp="…",nonce="…",signature="…"
    internal override int MaxHeaderBytes(int pathAndQueryLength) => 100 + keyIdBytes.Length + 20 + NonceChars + 44;

    internal override int WriteHeader(Span<byte> destination, string method, string pathAndQuery, ReadOnlySpan<byte> body)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Span<byte> random = stackalloc byte[NonceBytes];
        Random.Shared.NextBytes(random);
        Span<byte> nonce = stackalloc byte[NonceChars];
        Base64Url.EncodeToUtf8(random, nonce);
        Span<byte> signature = stackalloc byte[32];
        Sign(method, pathAndQuery, timestamp, nonce, body, signature);

        var n = Append(destination, 0, "\r\nAuthorization: VOUCHERS-HMAC-SHA256 keyId=\""u8);
        n = Append(destination, n, keyIdBytes);
        n = Append(destination, n, "\",timestamp=\""u8);
        Utf8Formatter.TryFormat(timestamp, destination[n..], out var digits);
        n += digits;
        n = Append(destination, n, "\",nonce=\""u8);
        n = Append(destination, n, nonce);
        n = Append(destination, n, "\",signature=\""u8);
        Base64.EncodeToUtf8(signature, destination[n..], out _, out var written);
        n += written;
        return Append(destination, n, "\""u8);
    }

    internal override void AddTo(HttpRequestMessage request, string pathAndQuery, ReadOnlySpan<byte> body)
    {
        Span<byte> header = stackalloc byte[MaxHeaderBytes(pathAndQuery.Length)];
        var n = WriteHeader(header, request.Method.Method, pathAndQuery, body);
        var value = Encoding.ASCII.GetString(header[..n]);
        request.Headers.TryAddWithoutValidation("Authorization", value[(value.IndexOf(':', StringComparison.Ordinal) + 2)..]);
    }

    private void Sign(string method, string pathAndQuery, long timestamp, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> body, Span<byte> signature)
    {
        var max = method.Length + (pathAndQuery.Length * 3) + 20 + nonce.Length + 64 + 5;
        byte[]? rented = null;
        var canonical = max <= CanonicalOnStack ? stackalloc byte[CanonicalOnStack] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var n = Encoding.UTF8.GetBytes(method, canonical);
            canonical[n++] = (byte)'\n';
            n += Encoding.UTF8.GetBytes(pathAndQuery, canonical[n..]);
            canonical[n++] = (byte)'\n';
            Utf8Formatter.TryFormat(timestamp, canonical[n..], out var digits);
            n += digits;
            canonical[n++] = (byte)'\n';
            n = Append(canonical, n, nonce);
            canonical[n++] = (byte)'\n';
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(body, hash);
            Convert.TryToHexStringLower(hash, canonical[n..], out var hex);
            n += hex;
            canonical[n++] = (byte)'\n';
            HMACSHA256.HashData(secretBytes, canonical[..n], signature);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static int Append(Span<byte> destination, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[at..]);
        return at + bytes.Length;
    }
}
