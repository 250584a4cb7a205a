using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Vouchers.Domain;

namespace Vouchers.Http.Persons;

/// <summary>Turns resident ID numbers into person keys (keyed hashes); the only place the secret is used.</summary>
public sealed class PersonKeys
{
    private readonly byte[] secret;

    public PersonKeys(IOptions<VoucherSecurityOptions> options)
    {
        var configured = options.Value.PersonKeySecret;
        if (string.IsNullOrWhiteSpace(configured) || configured.Length < 16)
        {
            throw new InvalidOperationException("Security:PersonKeySecret must be set to at least 16 characters.");
        }

        secret = Encoding.UTF8.GetBytes(configured);
    }

    public string For(ResidentIdNumber id)
    {
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(id.Value), hash);
        return Convert.ToHexStringLower(hash);
    }
}
