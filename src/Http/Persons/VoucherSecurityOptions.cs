namespace Vouchers.Http.Persons;

/// <summary>Section "Security".</summary>
public sealed class VoucherSecurityOptions
{
    public const string Section = "Security";

    /// <summary>
    /// Secret of the keyed hash (HMAC-SHA256) that turns an ID number into a person key. It must be the same
    /// on every gateway of a deployment and must never change, or people lose their ledgers.
    /// </summary>
    public string PersonKeySecret { get; set; } = "";

    /// <summary>
    /// Master secret from which channels' request-signing secrets are derived (with each key's id). The same on every
    /// gateway of a deployment; changing it invalidates every channel's signing key at once.
    /// </summary>
    public string SigningMasterSecret { get; set; } = "";

    /// <summary>How old an identity attestation (face or password check by the channel) may be.</summary>
    public TimeSpan AttestationMaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a looked-up API key stays cached in the gateway, which is also the longest a key revoked through
    /// another gateway keeps working here (docs/SECURITY.md, "Keys").
    /// </summary>
    public TimeSpan PrincipalCacheDuration { get; set; } = TimeSpan.FromSeconds(5);
}
