using System.Collections.Immutable;
using Vouchers.Domain;

namespace Vouchers.Contracts;

/// <summary>Where a voucher is in its lifecycle. Expired is derived from the clock, never written by a sweep.</summary>
[GenerateSerializer, Alias("VoucherStatus")]
public enum VoucherStatus
{
    Claimed = 0,
    Used = 1,
    SubsidyApplied = 2,
    Redeemed = 3,
    Returned = 4,
    Expired = 5,
}

/// <summary>
/// A voucher as its holder, its channel and institutions may see it (names and ID numbers masked). From its use on it
/// says how it was used (<c>useMode</c>) and, when the institution gave them, the course and class.
/// </summary>
[GenerateSerializer, Immutable, Alias("VoucherView")]
public sealed record VoucherView(
    [property: Id(0)] string Code,
    [property: Id(1)] string BatchId,
    [property: Id(2)] string ProgramId,
    [property: Id(3)] VoucherStatus Status,
    [property: Id(4)] string HolderName,
    [property: Id(5)] string HolderIdNumber,
    [property: Id(6)] decimal SubsidyAmount,
    [property: Id(7)] DateTimeOffset ClaimedAt,
    [property: Id(8)] DateTimeOffset ExpiresAt,
    [property: Id(9)] string ChannelId,
    [property: Id(10)] string? InstitutionId,
    [property: Id(11)] DateTimeOffset? UsedAt,
    [property: Id(12)] string? ApplicationId,
    [property: Id(13)] string? CourseId = null,
    [property: Id(14)] string? ClassId = null,
    [property: Id(15)] UseMode? UseMode = null);

/// <summary>
/// A use (enrolment) of a voucher at an institution, with who made it and where, for the institution's records.
/// </summary>
/// <param name="InstitutionId">The institution the voucher is bound to.</param>
/// <param name="Mode">Offline (the institution entered the code) or online (the person's channel deducted it).</param>
/// <param name="Clerk">The institution's API key id, or the channel id for an online use.</param>
/// <param name="DeviceId">The scan gun or terminal, when named.</param>
/// <param name="CourseId">The course the holder enrols in, when given.</param>
/// <param name="ClassId">The class the holder enrols in, when given.</param>
/// <param name="Holder">
/// Set for a channel's (online) use on behalf of a person: the voucher must be that person's and of a batch that
/// enables that channel, else it answers not found (and records nothing).
/// </param>
[GenerateSerializer, Immutable, Alias("VoucherUse")]
public sealed record VoucherUse(
    [property: Id(0)] string InstitutionId,
    [property: Id(1)] UseMode Mode,
    [property: Id(2)] string? Clerk = null,
    [property: Id(3)] string? DeviceId = null,
    [property: Id(4)] string? CourseId = null,
    [property: Id(5)] string? ClassId = null,
    // Id(6) was the holder's person key without the channel; retired, never to be reused.
    [property: Id(7)] HolderAccess? Holder = null);

/// <summary>
/// A channel acting on a voucher for a person it has just checked (identity attestation in the same request): the
/// voucher answers only when it is that person's (by person key) and its batch enables that channel
/// (<see cref="Claims.ChannelAccess"/>); otherwise it answers exactly as a voucher that does not exist.
/// </summary>
[GenerateSerializer, Immutable, Alias("HolderAccess")]
public sealed record HolderAccess(
    [property: Id(0)] string PersonKey,
    [property: Id(1)] string ChannelId);

/// <summary>A claim as the gateway hands it to the grains: the person is a keyed hash plus a derived profile.</summary>
[GenerateSerializer, Immutable, Alias("ClaimRequest")]
public sealed record ClaimRequest(
    [property: Id(0)] string BatchId,
    [property: Id(1)] string PersonKey,
    [property: Id(2)] PersonProfile Person,
    [property: Id(3)] string MaskedName,
    [property: Id(4)] string MaskedIdNumber,
    [property: Id(5)] string ChannelId,
    [property: Id(6)] string RequestId,
    [property: Id(7)] bool Commitment,
    [property: Id(8)] ImmutableArray<string> AttestedGroups);

[GenerateSerializer, Alias("ClaimOutcome")]
public enum ClaimOutcome
{
    Claimed = 0,
    /// <summary>The same channel sent the same request id again: the first result is returned.</summary>
    Replayed = 1,
    AlreadyClaimed = 2,
    SoldOut = 3,
    BatchNotFound = 4,
    BatchNotActive = 5,
    OutsideClaimWindow = 6,
    ChannelNotEnabled = 7,
    NotEligible = 8,
    CommitmentRequired = 9,
    /// <summary>The claim store's queue is full: nothing was written, the caller may retry shortly.</summary>
    Busy = 10,
}

/// <summary>
/// A claim's outcome. <see cref="Voucher"/> is set for <see cref="ClaimOutcome.Claimed"/>, <see cref="ClaimOutcome.Replayed"/>
/// and <see cref="ClaimOutcome.AlreadyClaimed"/>: the voucher as it was issued (status claimed, no use), which the stock
/// shard answers from memory; a replay is the first answer again. Its current state (used, expired …) is the
/// voucher grain's, read through the wallet.
/// </summary>
[GenerateSerializer, Immutable, Alias("ClaimResult")]
public sealed record ClaimResult(
    [property: Id(0)] ClaimOutcome Outcome,
    [property: Id(1)] VoucherView? Voucher = null,
    [property: Id(2)] string? Detail = null);

/// <summary>
/// Everything a voucher is issued with (from its stored claim); <see cref="Shard"/> is the stock shard it was claimed
/// through, <see cref="Profile"/> what statistics count its holder under (null for claims stored before profiles were).
/// </summary>
[GenerateSerializer, Immutable, Alias("VoucherIssue")]
public sealed record VoucherIssue(
    [property: Id(0)] string BatchId,
    [property: Id(1)] string ProgramId,
    [property: Id(2)] string PersonKey,
    [property: Id(3)] string HolderName,
    [property: Id(4)] string HolderIdNumber,
    [property: Id(5)] decimal SubsidyAmount,
    [property: Id(6)] DateTimeOffset ClaimedAt,
    [property: Id(7)] DateTimeOffset ExpiresAt,
    [property: Id(8)] string ChannelId,
    [property: Id(9)] ImmutableArray<string> EligibleInstitutionIds,
    [property: Id(10)] int Shard = 0,
    [property: Id(11)] ClaimantProfile? Profile = null);

/// <summary>Why a code does not verify as valid.</summary>
[GenerateSerializer, Alias("VerifyVerdict")]
public enum VerifyVerdict
{
    Valid = 0,
    Unknown = 1,
    Malformed = 2,
    Expired = 3,
    Returned = 4,
    Redeemed = 5,
    AlreadyUsed = 6,
    NotForThisInstitution = 7,
}

[GenerateSerializer, Immutable, Alias("VerifyResult")]
public sealed record VerifyResult(
    [property: Id(0)] VerifyVerdict Verdict,
    [property: Id(1)] VoucherView? Voucher = null)
{
    public bool Valid => Verdict == VerifyVerdict.Valid;
}

[GenerateSerializer, Alias("VoucherCommandStatus")]
public enum VoucherCommandStatus
{
    Done = 0,
    NotFound = 1,
    Rejected = 2,
}

/// <summary>Outcome of a use, return or subsidy step on one voucher; <see cref="Verdict"/> says why it was rejected.</summary>
[GenerateSerializer, Immutable, Alias("VoucherCommandResult")]
public sealed record VoucherCommandResult(
    [property: Id(0)] VoucherCommandStatus Status,
    [property: Id(1)] VerifyVerdict Verdict,
    [property: Id(2)] VoucherView? Voucher = null,
    [property: Id(3)] string? Detail = null);
