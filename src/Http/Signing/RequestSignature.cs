using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Vouchers.Http.Signing;

/// <summary>
/// The channels' request signature (the WeChat Pay API v3 pattern), in one place for the gateway, the baseline and the
/// test clients. A request carries
/// <c>Authorization: VOUCHERS-HMAC-SHA256 keyId="…",timestamp="…",nonce="…",signature="…"</c> where the signature is
/// the base64 HMAC-SHA256, under the ASCII bytes of the key's secret, of the canonical string
/// <c>METHOD\nPATH_AND_QUERY\nTIMESTAMP\nNONCE\nHEX_SHA256_OF_BODY\n</c> (docs/API.md, "Signing channel requests").
/// </summary>
public static class RequestSignature
{
    public const string Scheme = "VOUCHERS-HMAC-SHA256";

    public const int MinNonceLength = 16;
    public const int MaxNonceLength = 64;

    /// <summary>Bytes of an HMAC-SHA256 signature (44 characters of base64).</summary>
    public const int SignatureBytes = 32;

    private const int MaxHeaderLength = 512;
    private const int StackCanonicalBytes = 1024;

    /// <summary>The SHA-256 of an empty body, for requests without one.</summary>
    public static ReadOnlySpan<byte> EmptyBodySha256 =>
    [
        0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
        0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
    ];

    /// <summary>Whether an Authorization header value uses this scheme (and so should be checked as a signature).</summary>
    public static bool IsSigned(ReadOnlySpan<char> authorization) =>
        authorization.Length > Scheme.Length && authorization.StartsWith(Scheme, StringComparison.Ordinal) && authorization[Scheme.Length] == ' ';

    /// <summary>16–64 characters of <c>A-Z a-z 0-9 _ -</c>.</summary>
    public static bool IsValidNonce(ReadOnlySpan<char> nonce)
    {
        if (nonce.Length is < MinNonceLength or > MaxNonceLength)
        {
            return false;
        }

        foreach (var c in nonce)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A fresh nonce: 16 random bytes as 22 characters of base64url.</summary>
    public static string NewNonce()
    {
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        return Convert.ToBase64String(random).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The canonical string a signature covers (for documentation, logs of a client's own, and tests).</summary>
    public static string CanonicalString(string method, string pathAndQuery, long timestamp, string nonce, ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, hash);
        return string.Create(CultureInfo.InvariantCulture, $"{method}\n{pathAndQuery}\n{timestamp}\n{nonce}\n{Convert.ToHexStringLower(hash)}\n");
    }

    /// <summary>Computes the signature of a request whose body hashes to <paramref name="bodySha256"/> into <paramref name="signature"/> (32 bytes).</summary>
    public static void Compute(
        ReadOnlySpan<byte> secret, ReadOnlySpan<char> method, ReadOnlySpan<char> pathAndQuery, long timestamp, ReadOnlySpan<char> nonce,
        ReadOnlySpan<byte> bodySha256, Span<byte> signature)
    {
        var max = ((method.Length + pathAndQuery.Length + nonce.Length) * 3) + 20 + (SHA256.HashSizeInBytes * 2) + 5;
        byte[]? rented = null;
        var buffer = max <= StackCanonicalBytes ? stackalloc byte[StackCanonicalBytes] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var n = Encoding.UTF8.GetBytes(method, buffer);
            buffer[n++] = (byte)'\n';
            n += Encoding.UTF8.GetBytes(pathAndQuery, buffer[n..]);
            buffer[n++] = (byte)'\n';
            Utf8Formatter.TryFormat(timestamp, buffer[n..], out var digits);
            n += digits;
            buffer[n++] = (byte)'\n';
            n += Encoding.UTF8.GetBytes(nonce, buffer[n..]);
            buffer[n++] = (byte)'\n';
            Convert.TryToHexStringLower(bodySha256, buffer[n..], out var hex);
            n += hex;
            buffer[n++] = (byte)'\n';
            HMACSHA256.HashData(secret, buffer[..n], signature);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Whether <paramref name="presented"/> is the signature of the request, compared in constant time.</summary>
    public static bool Verify(
        ReadOnlySpan<byte> secret, ReadOnlySpan<char> method, ReadOnlySpan<char> pathAndQuery, long timestamp, ReadOnlySpan<char> nonce,
        ReadOnlySpan<byte> bodySha256, ReadOnlySpan<byte> presented)
    {
        Span<byte> expected = stackalloc byte[SignatureBytes];
        Compute(secret, method, pathAndQuery, timestamp, nonce, bodySha256, expected);
        return CryptographicOperations.FixedTimeEquals(expected, presented);
    }

    /// <summary>The Authorization header value of a signed request (what a client sends).</summary>
    public static string Sign(string keyId, ReadOnlySpan<byte> secret, string method, string pathAndQuery, long timestamp, string nonce, ReadOnlySpan<byte> body)
    {
        Span<byte> bodyHash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, bodyHash);
        Span<byte> signature = stackalloc byte[SignatureBytes];
        Compute(secret, method, pathAndQuery, timestamp, nonce, bodyHash, signature);
        return AuthorizationHeader(keyId, timestamp, nonce, signature);
    }

    public static string AuthorizationHeader(string keyId, long timestamp, string nonce, ReadOnlySpan<byte> signature) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{Scheme} keyId=\"{keyId}\",timestamp=\"{timestamp}\",nonce=\"{nonce}\",signature=\"{Convert.ToBase64String(signature)}\"");

    /// <summary>
    /// Reads the parts of a signed Authorization header: each of keyId, timestamp, nonce and signature once, as
    /// <c>name="value"</c>, separated by commas. False with the reason (safe to show the client) when it is malformed.
    /// </summary>
    public static bool TryParse(string? authorization, out SignedAuthorization parsed, out string error)
    {
        parsed = default;
        if (authorization is null || !IsSigned(authorization))
        {
            error = $"The Authorization header does not use the {Scheme} scheme.";
            return false;
        }

        if (authorization.Length > MaxHeaderLength)
        {
            error = "The Authorization header is too long.";
            return false;
        }

        Range keyId = default, timestamp = default, nonce = default, signature = default;
        var seen = 0;
        var rest = (Scheme.Length + 1)..authorization.Length;
        while (true)
        {
            var span = authorization.AsSpan(rest);
            var offset = rest.Start.Value;
            var trimmed = span.TrimStart(' ');
            offset += span.Length - trimmed.Length;
            var eq = trimmed.IndexOf('=');
            if (eq <= 0 || trimmed.Length < eq + 3 || trimmed[eq + 1] != '"')
            {
                error = "The Authorization header must list keyId, timestamp, nonce and signature as name=\"value\", separated by commas.";
                return false;
            }

            var close = trimmed[(eq + 2)..].IndexOf('"');
            if (close < 0)
            {
                error = "A value of the Authorization header lacks its closing quote.";
                return false;
            }

            var value = (offset + eq + 2)..(offset + eq + 2 + close);
            var (bit, slot) = trimmed[..eq] switch
            {
                "keyId" => (1, 0),
                "timestamp" => (2, 1),
                "nonce" => (4, 2),
                "signature" => (8, 3),
                _ => (0, -1),
            };
            if (bit == 0 || (seen & bit) != 0)
            {
                error = bit == 0
                    ? "The Authorization header names a part other than keyId, timestamp, nonce and signature."
                    : "The Authorization header names a part twice.";
                return false;
            }

            seen |= bit;
            switch (slot)
            {
                case 0: keyId = value; break;
                case 1: timestamp = value; break;
                case 2: nonce = value; break;
                default: signature = value; break;
            }

            var next = offset + eq + 2 + close + 1;
            if (next == authorization.Length)
            {
                break;
            }

            if (authorization[next] != ',')
            {
                error = "The parts of the Authorization header must be separated by commas.";
                return false;
            }

            rest = (next + 1)..authorization.Length;
        }

        if (seen != 15)
        {
            error = "The Authorization header must give keyId, timestamp, nonce and signature.";
            return false;
        }

        if (!Vouchers.Domain.Identifiers.IsValidSlug(authorization.AsSpan(keyId)))
        {
            error = "keyId is not a key id.";
            return false;
        }

        var digits = authorization.AsSpan(timestamp);
        if (digits.Length is 0 or > 12 || digits.ContainsAnyExceptInRange('0', '9')
            || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            error = "timestamp must be the signing time in whole seconds since 1970-01-01T00:00:00Z.";
            return false;
        }

        if (!IsValidNonce(authorization.AsSpan(nonce)))
        {
            error = $"nonce must be {MinNonceLength} to {MaxNonceLength} characters of A-Z, a-z, 0-9, '_' and '-'.";
            return false;
        }

        parsed = new SignedAuthorization(authorization, keyId, seconds, nonce, signature);
        Span<byte> bytes = stackalloc byte[SignatureBytes];
        if (!parsed.TryDecodeSignature(bytes))
        {
            parsed = default;
            error = "signature must be the base64 of the 32-byte HMAC-SHA256.";
            return false;
        }

        error = "";
        return true;
    }

    /// <summary>Whether the signing time lies within <paramref name="tolerance"/> of <paramref name="now"/>, either way.</summary>
    public static bool IsFresh(long timestamp, DateTimeOffset now, TimeSpan tolerance) =>
        Math.Abs(now.ToUnixTimeSeconds() - timestamp) <= (long)tolerance.TotalSeconds;

    /// <summary>The path and query a request was signed over: the request target exactly as the client sent it.</summary>
    public static string PathAndQueryOf(HttpRequest request) =>
        request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw && raw[0] == '/'
            ? raw
            : request.PathBase.Add(request.Path).ToUriComponent() + request.QueryString.ToUriComponent();

    /// <summary>
    /// The SHA-256 of the request's body, which stays readable for the endpoint: the body (at most
    /// <paramref name="maxBodyBytes"/>, enforced before this by the server) is buffered in memory and rewound.
    /// </summary>
    public static async ValueTask HashBodyAsync(HttpRequest request, int maxBodyBytes, Memory<byte> sha256)
    {
        if (request.ContentLength == 0 || request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            EmptyBodySha256.CopyTo(sha256.Span);
            return;
        }

        request.EnableBuffering(bufferThreshold: maxBodyBytes);
        await SHA256.HashDataAsync(request.Body, sha256, request.HttpContext.RequestAborted);
        request.Body.Position = 0;
    }
}

/// <summary>The parts of a signed request's Authorization header, as positions in the header (nothing is copied).</summary>
public readonly struct SignedAuthorization(string header, Range keyId, long timestamp, Range nonce, Range signature)
{
    public ReadOnlySpan<char> KeyId => header.AsSpan(keyId);

    /// <summary>Seconds since 1970-01-01T00:00:00Z.</summary>
    public long Timestamp { get; } = timestamp;

    public ReadOnlySpan<char> Nonce => header.AsSpan(nonce);

    /// <summary>Decodes the base64 signature into <paramref name="destination"/> (32 bytes); false when it is not 32 bytes of base64.</summary>
    public bool TryDecodeSignature(Span<byte> destination)
    {
        Span<byte> room = stackalloc byte[RequestSignature.SignatureBytes + 3];
        if (!Convert.TryFromBase64Chars(header.AsSpan(signature), room, out var written) || written != RequestSignature.SignatureBytes)
        {
            return false;
        }

        room[..written].CopyTo(destination);
        return true;
    }

    public string KeyIdString() => header[keyId];
}
