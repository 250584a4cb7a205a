using Vouchers.Contracts;

namespace Vouchers.Gateway.Contracts;

/// <summary>The channel's word that it checked the person itself (本人): by face or by password, at a time.</summary>
public sealed record AttestationRequest(string? Method, DateTimeOffset? VerifiedAt);

/// <summary>Body of POST /api/v1/channel/claims.</summary>
public sealed record ClaimBody
{
    /// <summary>The channel's id for this request; a retry with the same id returns the first result.</summary>
    public string? RequestId { get; init; }
    public string? BatchId { get; init; }
    public string? IdNumber { get; init; }
    public string? Name { get; init; }
    public AttestationRequest? Attestation { get; init; }
    /// <summary>The person accepted the online commitment (个人线上承诺).</summary>
    public bool Commitment { get; init; }
    /// <summary>Target groups the channel attests for the person (e.g. "unemployed").</summary>
    public string[]? TargetGroups { get; init; }
}

public sealed record WalletRequest(string? IdNumber);

public sealed record WalletResponse(string HolderIdNumber, IReadOnlyList<VoucherView> Vouchers);

public sealed record ReturnRequest(string? IdNumber, AttestationRequest? Attestation);

/// <summary>A claimable batch as a channel lists it.</summary>
public sealed record ClaimableBatch(
    string Id, string Title, string ProgramId, string RegionCode, DateTimeOffset ClaimOpensAt, DateTimeOffset ClaimClosesAt);
