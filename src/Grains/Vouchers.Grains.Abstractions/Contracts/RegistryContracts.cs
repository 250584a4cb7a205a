namespace Vouchers.Contracts;

/// <summary>A training program of the catalog (培训项目).</summary>
[GenerateSerializer, Immutable, Alias("TrainingProgram")]
public sealed record TrainingProgram(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string? OccupationCode,
    [property: Id(3)] string RegionCode);

/// <summary>A training institution (培训机构) with its location for check-in radius checks.</summary>
[GenerateSerializer, Immutable, Alias("Institution")]
public sealed record Institution(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string RegionCode,
    [property: Id(3)] string Address,
    [property: Id(4)] double Latitude,
    [property: Id(5)] double Longitude,
    [property: Id(6)] int RadiusMeters);

/// <summary>An e-SSC channel (渠道) through which people claim.</summary>
[GenerateSerializer, Immutable, Alias("Channel")]
public sealed record Channel(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name);

[GenerateSerializer, Alias("PrincipalRole")]
public enum PrincipalRole
{
    Admin = 0,
    Channel = 1,
    Institution = 2,
}

/// <summary>What a principal's secret is for.</summary>
[GenerateSerializer, Alias("CredentialKind")]
public enum CredentialKind
{
    /// <summary>Presented as "{KeyId}.{secret}" in X-Api-Key; only the SHA-256 of the secret is stored.</summary>
    ApiKey = 0,

    /// <summary>
    /// A channel's request-signing key: the channel signs each request with HMAC-SHA256 under the secret, which is
    /// derived from the deployment's signing master secret and the key id, so nothing secret is stored.
    /// </summary>
    SigningKey = 1,
}

/// <summary>
/// A credential's owner. Scope is the region prefix of an admin ("" for the ministry), or the channel or institution
/// id. <see cref="SecretHash"/> is the SHA-256 (hex) of an API key's secret, empty for a signing key. A principal is
/// written once, then only revoked or given an expiry when it is rotated, always through the key directory
/// (<see cref="IKeyDirectoryGrain"/>); <see cref="IssuedBy"/> is the key id of the admin who issued it ("demo" for the
/// seeded demo keys).
/// </summary>
[GenerateSerializer, Immutable, Alias("Principal")]
public sealed record Principal(
    [property: Id(0)] string KeyId,
    [property: Id(1)] PrincipalRole Role,
    [property: Id(2)] string Scope,
    [property: Id(3)] string DisplayName,
    [property: Id(4)] string SecretHash)
{
    [Id(5)] public CredentialKind Kind { get; init; }

    [Id(6)] public string? IssuedBy { get; init; }

    [Id(7)] public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>When the credential stops working by itself; null when it works until revoked.</summary>
    [Id(8)] public DateTimeOffset? ExpiresAt { get; init; }

    [Id(9)] public DateTimeOffset? RevokedAt { get; init; }

    [Id(10)] public string? RevokedBy { get; init; }

    /// <summary>The key id of the key that replaced this one when it was rotated; null until then.</summary>
    [Id(11)] public string? ReplacedBy { get; init; }

    /// <summary>Neither revoked nor expired at <paramref name="now"/>.</summary>
    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is not { } expires || now < expires);
}
