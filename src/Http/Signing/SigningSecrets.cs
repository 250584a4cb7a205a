using System.Security.Cryptography;
using System.Text;

namespace Vouchers.Http.Signing;

/// <summary>
/// How a channel's request-signing secret follows from the deployment's signing master secret and the key's id, so
/// that no secret is stored and every gateway (and the baseline) computes the same one.
/// </summary>
public static class SigningSecrets
{
    /// <summary>The secret of signing key <paramref name="keyId"/>: base64url (no padding, 43 characters) of HMAC-SHA256(master, "vouchers-signing-key:" + keyId).</summary>
    public static string Derive(ReadOnlySpan<byte> masterSecret, string keyId)
    {
        var derived = HMACSHA256.HashData(masterSecret, Encoding.UTF8.GetBytes("vouchers-signing-key:" + keyId));
        return Convert.ToBase64String(derived).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The HMAC key a request is signed with: the ASCII bytes of the secret as the channel received it.</summary>
    public static byte[] HmacKey(string secret) => Encoding.ASCII.GetBytes(secret);
}
