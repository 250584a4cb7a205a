using System.ComponentModel.DataAnnotations;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Http.Problems;

namespace Vouchers.Http.Contracts;

/// <summary>Body of POST and PUT /api/v1/admin/batches. Every field is checked and named in a 400.</summary>
public sealed record BatchRequest
{
    [Required]
    public string? Title { get; init; }
    [Required]
    public string? ProgramId { get; init; }
    /// <summary>The owning region; defaults to the admin's own region prefix.</summary>
    public string? RegionCode { get; init; }
    public string[]? EligibleInstitutionIds { get; init; }
    public EligibilityRequest? Eligibility { get; init; }
    [Required]
    public DateTimeOffset? ClaimOpensAt { get; init; }
    [Required]
    public DateTimeOffset? ClaimClosesAt { get; init; }
    public int? DaysValidAfterClaim { get; init; }
    public DateTimeOffset? FixedExpiry { get; init; }
    [Required]
    public int? Quantity { get; init; }
    [Required]
    public decimal? SubsidyAmount { get; init; }
    [Required]
    public string? FundingSource { get; init; }
    public string[]? EnabledChannelIds { get; init; }
    public bool RequiresCommitment { get; init; }

    /// <summary>
    /// Maps the body to a definition, or adds the errors of every missing or invalid field, judging its schedule at
    /// <paramref name="now"/> (against <paramref name="previous"/>, the definition it replaces, on a PUT).
    /// </summary>
    public BatchDefinition? ToDefinition(string adminRegion, DateTimeOffset now, Validation v, BatchDefinition? previous = null)
    {
        ArgumentNullException.ThrowIfNull(v);
        var title = v.Required(Title, "title");
        var programId = v.Required(ProgramId, "programId");
        var opens = v.Required(ClaimOpensAt, "claimOpensAt");
        var closes = v.Required(ClaimClosesAt, "claimClosesAt");
        var quantity = v.Required(Quantity, "quantity");
        var amount = v.Required(SubsidyAmount, "subsidyAmount");
        var funding = v.Required(FundingSource, "fundingSource");
        if (!v.IsValid)
        {
            return null;
        }

        var eligibility = Eligibility ?? new EligibilityRequest();
        var definition = new BatchDefinition
        {
            Title = title!.Trim(),
            ProgramId = programId!,
            RegionCode = RegionCode ?? adminRegion,
            EligibleInstitutionIds = [.. EligibleInstitutionIds ?? []],
            Eligibility = new EligibilityRules
            {
                MinAge = eligibility.MinAge,
                MaxAge = eligibility.MaxAge,
                RegionPrefixes = [.. eligibility.RegionPrefixes ?? []],
                TargetGroups = [.. eligibility.TargetGroups ?? []],
                TargetedListOnly = eligibility.TargetedListOnly,
            },
            ClaimOpensAt = opens!.Value,
            ClaimClosesAt = closes!.Value,
            DaysValidAfterClaim = DaysValidAfterClaim,
            FixedExpiry = FixedExpiry,
            Quantity = quantity!.Value,
            SubsidyAmount = amount!.Value,
            FundingSource = funding!.Trim(),
            EnabledChannelIds = [.. EnabledChannelIds ?? []],
            RequiresCommitment = RequiresCommitment,
        };
        v.AddAll(BatchDefinitionRules.Validate(definition));
        v.AddAll(BatchDefinitionRules.ValidateSchedule(definition, now, previous));
        return v.IsValid ? definition : null;
    }
}

public sealed record EligibilityRequest
{
    public int? MinAge { get; init; }
    public int? MaxAge { get; init; }
    public string[]? RegionPrefixes { get; init; }
    public string[]? TargetGroups { get; init; }
    public bool TargetedListOnly { get; init; }
}

public sealed record QuantityRequest([property: Required] int? Amount);

/// <summary>People to put on a batch's targeted list; ID numbers travel only in bodies, never in URLs.</summary>
public sealed record TargetsRequest([property: Required] string[]? IdNumbers);

public sealed record TargetsResponse(int Added);

public sealed record ProgramRequest([property: Required] string? Id, [property: Required] string? Name, string? OccupationCode = null, string? RegionCode = null);

public sealed record InstitutionRequest(
    [property: Required] string? Id,
    [property: Required] string? Name,
    string? RegionCode,
    [property: Required] string? Address,
    [property: Required] double? Latitude,
    [property: Required] double? Longitude,
    [property: Required] int? RadiusMeters);

public sealed record ChannelRequest([property: Required] string? Id, [property: Required] string? Name);

public sealed record ReviewRequest([property: Required] ReviewDecision[]? Decisions);

public sealed record ReviewDecision([property: Required] string? Code, [property: Required] bool? Approve, string? Reason = null);

/// <summary>
/// Body of POST /api/v1/admin/api-keys. <c>kind</c> is <c>apiKey</c> (default) or <c>signingKey</c> (a channel's
/// request-signing key, issued by the ministry); <c>expiresAt</c> is optional.
/// </summary>
public sealed record ApiKeyRequest([property: Required] string? Role, string? Scope, [property: Required] string? DisplayName, string? Kind = null, DateTimeOffset? ExpiresAt = null);

/// <summary>
/// A new key. Its secret is shown only in this response: <see cref="ApiKey"/> (the X-Api-Key value) for an API key,
/// <see cref="SigningSecret"/> for a signing key.
/// </summary>
public sealed record ApiKeyResponse(string KeyId, string? ApiKey, string Role, string Scope, string DisplayName)
{
    public string? SigningSecret { get; init; }

    public CredentialKind Kind { get; init; }

    public string? IssuedBy { get; init; }

    public DateTimeOffset? IssuedAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }
}

/// <summary>A key as listed: never its secret or the secret's hash.</summary>
public sealed record KeyView(
    string KeyId,
    PrincipalRole Role,
    string Scope,
    CredentialKind Kind,
    string DisplayName,
    string RegionCode,
    string? IssuedBy,
    DateTimeOffset? IssuedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    string? RevokedBy,
    string? ReplacedBy,
    bool Active)
{
    public static KeyView From(KeyEntry key, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(key.KeyId, key.Role, key.Scope, key.Kind, key.DisplayName, key.RegionCode, key.IssuedBy, key.IssuedAt,
            key.ExpiresAt, key.RevokedAt, key.RevokedBy, key.ReplacedBy, key.IsActiveAt(now));
    }
}

/// <summary>
/// Optional body of POST /api/v1/admin/api-keys/{keyId}/rotate: how many hours the old key keeps working (0 to 168,
/// default 24; 0 = it stops at once) and the new key's optional expiry.
/// </summary>
public sealed record RotateKeyRequest(int? GraceHours = null, DateTimeOffset? ExpiresAt = null);

/// <summary>A rotation's answer: the new key (its secret shown once) and the old key with its new expiry.</summary>
public sealed record RotatedKeyResponse(ApiKeyResponse Issued, KeyView Previous);
