using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Vouchers.Http.Persons;

namespace Vouchers.Gateway.Security;

/// <summary>
/// The secrets of channels' request-signing keys. A signing key's secret is derived from the deployment's master
/// secret (<see cref="VoucherSecurityOptions.SigningMasterSecret"/>) and the key id, so the registry stores no secret
/// a database reader could use, and every gateway of the deployment computes the same secret.
/// </summary>
public sealed class SigningKeys
{
    public const int MinMasterSecretLength = 32;

    private readonly byte[] master;

    public SigningKeys(IOptions<VoucherSecurityOptions> options)
    {
        var configured = options.Value.SigningMasterSecret;
        if (string.IsNullOrWhiteSpace(configured) || configured.Length < MinMasterSecretLength)
        {
            throw new InvalidOperationException(
                $"{VoucherSecurityOptions.Section}:{nameof(VoucherSecurityOptions.SigningMasterSecret)} must be set to at least {MinMasterSecretLength} characters.");
        }

        master = Encoding.UTF8.GetBytes(configured);
    }

    /// <summary>The secret of signing key <paramref name="keyId"/> (base64url, 43 characters), as given to the channel once.</summary>
    public string SecretFor(string keyId) => Base64Url(DeriveBytes(keyId));

    /// <summary>The secret as the HMAC key the channel signs with: the UTF-8 bytes of <see cref="SecretFor"/>.</summary>
    public byte[] HmacKeyFor(string keyId) => Encoding.ASCII.GetBytes(SecretFor(keyId));

    private byte[] DeriveBytes(string keyId) => HMACSHA256.HashData(master, Encoding.UTF8.GetBytes("vouchers-signing-key:" + keyId));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
