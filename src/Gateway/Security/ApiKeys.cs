using System.Security.Cryptography;
using System.Text;

namespace Vouchers.Gateway.Security;

/// <summary>API keys look like "{keyId}.{secret}"; only the SHA-256 of the secret is stored.</summary>
public static class ApiKeys
{
    public const string HeaderName = "X-Api-Key";

    public const int MaxLength = 200;

    /// <summary>Where the key id and the secret are in a presented key; false when it is not shaped like a key.</summary>
    public static bool TrySplit(string? key, out Range keyId, out Range secret)
    {
        keyId = secret = default;
        if (string.IsNullOrEmpty(key) || key.Length > MaxLength)
        {
            return false;
        }

        var dot = key.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == key.Length - 1)
        {
            return false;
        }

        keyId = ..dot;
        secret = (dot + 1)..;
        return Vouchers.Domain.Identifiers.IsValidSlug(key.AsSpan(keyId));
    }

    public static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>A stored hash (hex) as bytes; empty when it is not 32 bytes of hex, which no secret matches.</summary>
    public static byte[] HashBytes(string storedHash)
    {
        try
        {
            var bytes = Convert.FromHexString(storedHash);
            return bytes.Length == SHA256.HashSizeInBytes ? bytes : [];
        }
        catch (FormatException)
        {
            return [];
        }
    }

    /// <summary>Whether the secret hashes to the stored hash, compared in constant time; allocates nothing.</summary>
    public static bool SecretMatches(ReadOnlySpan<char> secret, ReadOnlySpan<byte> storedHash)
    {
        if (storedHash.Length != SHA256.HashSizeInBytes || secret.Length > MaxLength)
        {
            return false;
        }

        Span<byte> utf8 = stackalloc byte[MaxLength * 3];
        var length = Encoding.UTF8.GetBytes(secret, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);
        return CryptographicOperations.FixedTimeEquals(hash, storedHash);
    }
}
