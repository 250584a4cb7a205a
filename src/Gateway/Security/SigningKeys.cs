using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Options;
using Vouchers.Http.Persons;
using Vouchers.Http.Signing;

namespace Vouchers.Gateway.Security;

/// <summary>
/// The secrets of channels' request-signing keys. A signing key's secret is derived from the deployment's master
/// secret (<see cref="VoucherSecurityOptions.SigningMasterSecret"/>) and the key id (<see cref="SigningSecrets"/>), so
/// the registry stores no secret a database reader could use, and every gateway of the deployment computes the same
/// secret.
/// </summary>
public sealed class SigningKeys
{
    public const int MinMasterSecretLength = 32;

    private readonly byte[] master;

    // Derived once per key id that a request named and the registry knows as a signing key, so bounded by the keys
    // that exist; a secret never changes for a key id.
    private readonly ConcurrentDictionary<string, byte[]> hmacKeys = new(StringComparer.Ordinal);

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
    public string SecretFor(string keyId) => SigningSecrets.Derive(master, keyId);

    /// <summary>The secret as the HMAC key the channel signs with: the ASCII bytes of <see cref="SecretFor"/> (cached).</summary>
    public byte[] HmacKeyFor(string keyId) => hmacKeys.GetOrAdd(keyId, id => SigningSecrets.HmacKey(SecretFor(id)));
}
