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

/// <summary>
/// An API key's owner. The key is "{KeyId}.{secret}"; only the SHA-256 of the secret (hex) is stored.
/// Scope is the region prefix of an admin ("" for the ministry), or the channel or institution id.
/// </summary>
[GenerateSerializer, Immutable, Alias("Principal")]
public sealed record Principal(
    [property: Id(0)] string KeyId,
    [property: Id(1)] PrincipalRole Role,
    [property: Id(2)] string Scope,
    [property: Id(3)] string DisplayName,
    [property: Id(4)] string SecretHash);
