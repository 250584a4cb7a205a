using System.Security.Cryptography;
using System.Text;

namespace Vouchers.Gateway.Security;

/// <summary>API keys look like "{keyId}.{secret}"; only the SHA-256 of the secret is stored.</summary>
public static class ApiKeys
{
    public const string HeaderName = "X-Api-Key";

    public static bool TrySplit(string? key, out string keyId, out string secret)
    {
        keyId = secret = "";
        if (string.IsNullOrEmpty(key) || key.Length > 200)
        {
            return false;
        }

        var dot = key.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == key.Length - 1)
        {
            return false;
        }

        keyId = key[..dot];
        secret = key[(dot + 1)..];
        return Vouchers.Domain.Identifiers.IsValidSlug(keyId);
    }

    public static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static bool Matches(string secret, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashSecret(secret)), Encoding.ASCII.GetBytes(storedHash));
}
