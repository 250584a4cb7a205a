using Vouchers.Contracts;

namespace Vouchers.Baseline.Contracts;

// The gateway's request and response bodies for the subset the baseline serves (src/Gateway/Contracts), field for field.

/// <summary>Body of POST /api/v1/admin/batches.</summary>
public sealed record BatchRequest
{
    public string? Title { get; init; }
    public string? ProgramId { get; init; }
    public string? RegionCode { get; init; }
    public string[]? EligibleInstitutionIds { get; init; }
    public EligibilityRequest? Eligibility { get; init; }
    public DateTimeOffset? ClaimOpensAt { get; init; }
    public DateTimeOffset? ClaimClosesAt { get; init; }
    public int? DaysValidAfterClaim { get; init; }
    public DateTimeOffset? FixedExpiry { get; init; }
    public int? Quantity { get; init; }
    public decimal? SubsidyAmount { get; init; }
    public string? FundingSource { get; init; }
    public string[]? EnabledChannelIds { get; init; }
    public bool RequiresCommitment { get; init; }
}

public sealed record EligibilityRequest
{
    public int? MinAge { get; init; }
    public int? MaxAge { get; init; }
    public string[]? RegionPrefixes { get; init; }
    public string[]? TargetGroups { get; init; }
    public bool TargetedListOnly { get; init; }
}

public sealed record AttestationRequest(string? Method, DateTimeOffset? VerifiedAt);

/// <summary>Body of POST /api/v1/channel/claims.</summary>
public sealed record ClaimBody
{
    public string? RequestId { get; init; }
    public string? BatchId { get; init; }
    public string? IdNumber { get; init; }
    public string? Name { get; init; }
    public AttestationRequest? Attestation { get; init; }
    public bool Commitment { get; init; }
    public string[]? TargetGroups { get; init; }
}

public sealed record WalletRequest(string? IdNumber);

public sealed record WalletResponse(string HolderIdNumber, IReadOnlyList<VoucherView> Vouchers);

public sealed record VerifyRequest(string? Code);

public sealed record VerifyResponse(string Code, bool Valid, VerifyVerdict Verdict, VoucherView? Voucher);
