using System.ComponentModel.DataAnnotations;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Http.Persons;
using Vouchers.Http.Problems;

namespace Vouchers.Http.Contracts;

/// <summary>Body of POST /api/v1/channel/claims.</summary>
public sealed record ClaimBody
{
    /// <summary>The channel's id for this request; a retry with the same id returns the first result.</summary>
    [Required]
    public string? RequestId { get; init; }
    [Required]
    public string? BatchId { get; init; }
    [Required]
    public string? IdNumber { get; init; }
    [Required]
    public string? Name { get; init; }
    [Required]
    public AttestationRequest? Attestation { get; init; }
    /// <summary>The person accepted the online commitment (个人线上承诺).</summary>
    public bool Commitment { get; init; }
    /// <summary>Target groups the channel attests for the person (e.g. "unemployed").</summary>
    public string[]? TargetGroups { get; init; }

    public const int MaxTargetGroups = 20;

    /// <summary>
    /// Checks every field (naming each bad one in <paramref name="v"/>) and turns the body into the claim the
    /// grains see: the person as a keyed hash and a profile, name and ID number masked. Null when invalid.
    /// </summary>
    public ClaimRequest? ToRequest(PersonInput person, string channelId, Validation v)
    {
        if (!Identifiers.IsValidRequestId(RequestId))
        {
            v.Add("requestId", "The request id is required: 1 to 64 printable characters without spaces.");
        }

        if (!Identifiers.IsValidSlug(BatchId))
        {
            v.Add("batchId", "The batch id is required.");
        }

        var id = person.IdNumber(IdNumber, v);
        var name = person.Name(Name, v);
        person.Attestation(Attestation, v);
        var groups = TargetGroups ?? [];
        if (groups.Length > MaxTargetGroups || groups.Any(g => !Identifiers.IsValidSlug(g)))
        {
            v.Add("targetGroups", $"At most {MaxTargetGroups} target group ids (lower-case letters, digits, hyphens).");
        }

        return v.IsValid
            ? new ClaimRequest(BatchId!, person.Key(id!), id!.ToProfile(), Masking.MaskName(name!), id.Masked,
                channelId, RequestId!, Commitment, [.. groups])
            : null;
    }
}

/// <summary>Body of POST /api/v1/channel/wallet: the person and the channel's fresh check of them.</summary>
public sealed record WalletRequest([property: Required] string? IdNumber, [property: Required] AttestationRequest? Attestation);

public sealed record WalletResponse(string HolderIdNumber, IReadOnlyList<VoucherView> Vouchers);

/// <summary>Body of POST /api/v1/channel/vouchers/{code}/return.</summary>
public sealed record ReturnRequest([property: Required] string? IdNumber, [property: Required] AttestationRequest? Attestation);

/// <summary>Body of POST /api/v1/channel/vouchers/{code}/qr.</summary>
public sealed record QrRequest([property: Required] string? IdNumber, [property: Required] AttestationRequest? Attestation);

/// <summary>A claimable batch as a channel lists it.</summary>
public sealed record ClaimableBatch(
    string Id, string Title, string ProgramId, string RegionCode, DateTimeOffset ClaimOpensAt, DateTimeOffset ClaimClosesAt);
