namespace Vouchers.Contracts;

/// <summary>
/// One line of the key directory: everything about a credential except its secret or the secret's hash, plus the
/// region it belongs to, which decides which admins see and manage it: an admin key's own region prefix, an
/// institution key's institution region, "" for channel keys (national).
/// </summary>
[GenerateSerializer, Immutable, Alias("KeyEntry")]
public sealed record KeyEntry(
    [property: Id(0)] string KeyId,
    [property: Id(1)] PrincipalRole Role,
    [property: Id(2)] string Scope,
    [property: Id(3)] CredentialKind Kind,
    [property: Id(4)] string DisplayName,
    [property: Id(5)] string RegionCode,
    [property: Id(6)] string? IssuedBy,
    [property: Id(7)] DateTimeOffset? IssuedAt,
    [property: Id(8)] DateTimeOffset? ExpiresAt,
    [property: Id(9)] DateTimeOffset? RevokedAt,
    [property: Id(10)] string? RevokedBy,
    [property: Id(11)] string? ReplacedBy)
{
    public static KeyEntry Of(Principal principal, string regionCode)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return new(principal.KeyId, principal.Role, principal.Scope, principal.Kind, principal.DisplayName, regionCode,
            principal.IssuedBy, principal.IssuedAt, principal.ExpiresAt, principal.RevokedAt, principal.RevokedBy, principal.ReplacedBy);
    }

    /// <summary>Neither revoked nor expired at <paramref name="now"/> (the same rule as <see cref="Principal.IsActiveAt"/>).</summary>
    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is not { } expires || now < expires);
}

[GenerateSerializer, Alias("KeyCommandStatus")]
public enum KeyCommandStatus
{
    Done = 0,
    NotFound = 1,

    /// <summary>A key with this id exists already (issue), or the key was rotated already (rotate).</summary>
    AlreadyExists = 2,

    /// <summary>The channel holds the most active signing keys it may (<see cref="Domain.KeyRules.MaxActiveSigningKeys"/>).</summary>
    TooManySigningKeys = 3,

    /// <summary>The key is revoked or expired: there is nothing to rotate.</summary>
    NotActive = 4,

    /// <summary>The command breaks a rule (an expiry out of range); <see cref="KeyCommandResult.Field"/> names the field.</summary>
    Invalid = 5,
}

/// <summary>
/// Outcome of a key-lifecycle command. <see cref="Key"/> is the key acted on (as it is now); a rotation also gives
/// the <see cref="Replacement"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("KeyCommandResult")]
public sealed record KeyCommandResult(
    [property: Id(0)] KeyCommandStatus Status,
    [property: Id(1)] KeyEntry? Key = null,
    [property: Id(2)] KeyEntry? Replacement = null,
    [property: Id(3)] string? Detail = null,
    [property: Id(4)] string? Field = null);
