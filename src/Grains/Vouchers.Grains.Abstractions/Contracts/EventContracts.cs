using System.Collections.Immutable;
using Vouchers.Domain;

namespace Vouchers.Contracts;

/// <summary>What changed. The names are the wire names of the statistics and, later, of the callbacks.</summary>
[GenerateSerializer, Alias("EventKind")]
public enum EventKind
{
    BatchDefined = 0,
    BatchChanged = 1,
    BatchActivated = 2,
    BatchPaused = 3,
    BatchClosed = 4,
    QuantityChanged = 5,
    Claimed = 6,
    Returned = 7,
    Expired = 8,
    Used = 9,
    CheckedIn = 10,
    SubsidyApplied = 11,
    SubsidyApproved = 12,
    SubsidyRejected = 13,
    SubsidyDisbursed = 14,
    Redeemed = 15,
}

/// <summary>Who made a change.</summary>
[GenerateSerializer, Alias("ActorKind")]
public enum ActorKind
{
    /// <summary>The engine itself (an expiry, a sweep).</summary>
    System = 0,
    Channel = 1,
    Institution = 2,
    Admin = 3,
}

/// <summary>
/// What statistics may know of a claimant, derived once at the claim from the ID number and the channel's attestation:
/// the 6-digit division code of the household registration, the age on the claim day, the gender and the target
/// group under which the batch admitted the person ("" when the batch names none). Never the ID number or the name.
/// </summary>
[GenerateSerializer, Immutable, Alias("ClaimantProfile")]
public sealed record ClaimantProfile(
    [property: Id(0)] string RegionCode,
    [property: Id(1)] int Age,
    [property: Id(2)] Gender Gender,
    [property: Id(3)] string TargetGroup)
{
    /// <summary>The profile a claim of <paramref name="request"/> is counted under on <paramref name="day"/>.</summary>
    public static ClaimantProfile Of(ClaimRequest request, EligibilityRules eligibility, DateOnly day) =>
        new(request.Person.RegionCode, request.Person.AgeOn(day), request.Person.Gender,
            eligibility.TargetGroups.IsDefaultOrEmpty
                ? ""
                : eligibility.TargetGroups.FirstOrDefault(request.AttestedGroups.Contains) ?? "");
}

/// <summary>
/// One state change of the engine, as the event pipeline carries it from the outbox (written with the change) over
/// Orleans streams to the analytics grains. Voucher events carry the claimant's profile and the claim's channel, so a
/// consumer counts them without asking anyone; batch events carry what a batch is counted under.
/// </summary>
/// <param name="Id">Unique and stable: the same change always has the same id, so a change written twice is one event.</param>
/// <param name="Kind">What changed.</param>
/// <param name="At">When it changed.</param>
/// <param name="BatchId">The batch the change belongs to.</param>
/// <param name="Actor">Who made it.</param>
/// <param name="ActorId">The channel, institution or admin key id; "" for the engine.</param>
/// <param name="Code">The voucher's code, for voucher events.</param>
/// <param name="PersonKey">The holder's person key (a keyed hash), for voucher events.</param>
/// <param name="Profile">The holder as statistics count them, for voucher events.</param>
/// <param name="ChannelId">The channel the voucher was claimed through, for voucher events.</param>
/// <param name="InstitutionId">The institution of a use, check-in, subsidy step or redemption.</param>
/// <param name="Amount">The money the change moves: the subsidy of a claim, return, approval, disbursement or redemption.</param>
/// <param name="Batch">What the batch is counted under, for batch events.</param>
/// <param name="Mode">Offline or online, for a use.</param>
/// <param name="ApplicationId">The subsidy application, for subsidy steps and redemptions.</param>
[GenerateSerializer, Immutable, Alias("VoucherEvent")]
public sealed record VoucherEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] EventKind Kind,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string BatchId,
    [property: Id(4)] ActorKind Actor,
    [property: Id(5)] string ActorId,
    [property: Id(6)] string? Code = null,
    [property: Id(7)] string? PersonKey = null,
    [property: Id(8)] ClaimantProfile? Profile = null,
    [property: Id(9)] string? ChannelId = null,
    [property: Id(10)] string? InstitutionId = null,
    [property: Id(11)] decimal Amount = 0,
    [property: Id(12)] BatchFacts? Batch = null,
    [property: Id(13)] UseMode? Mode = null,
    [property: Id(14)] string? ApplicationId = null);

/// <summary>What a batch is counted under, carried by every batch event.</summary>
[GenerateSerializer, Immutable, Alias("BatchFacts")]
public sealed record BatchFacts(
    [property: Id(0)] string Title,
    [property: Id(1)] string ProgramId,
    [property: Id(2)] string RegionCode,
    [property: Id(3)] string FundingSource,
    [property: Id(4)] int Quantity,
    [property: Id(5)] decimal SubsidyAmount,
    [property: Id(6)] BatchStatus Status)
{
    public static BatchFacts Of(BatchDefinition definition, BatchStatus status) =>
        new(definition.Title, definition.ProgramId, definition.RegionCode, definition.FundingSource, definition.Quantity,
            definition.SubsidyAmount, status);
}

/// <summary>
/// A position in one event stream, in commit order: the writing transaction's id, then the event's sequence number.
/// Every event of a transaction becomes visible at once, and a reader only reads transactions older than any still
/// running, so nothing can appear behind a cursor later (the in-memory store's transaction is always 0).
/// </summary>
[GenerateSerializer, Immutable, Alias("EventCursor")]
public readonly record struct EventCursor(
    [property: Id(0)] long Transaction,
    [property: Id(1)] long Sequence) : IComparable<EventCursor>
{
    public static EventCursor Start { get; } = new(0, 0);

    public int CompareTo(EventCursor other) =>
        Transaction != other.Transaction ? Transaction.CompareTo(other.Transaction) : Sequence.CompareTo(other.Sequence);

    public static bool operator <(EventCursor left, EventCursor right) => left.CompareTo(right) < 0;

    public static bool operator >(EventCursor left, EventCursor right) => left.CompareTo(right) > 0;

    public static bool operator <=(EventCursor left, EventCursor right) => left.CompareTo(right) <= 0;

    public static bool operator >=(EventCursor left, EventCursor right) => left.CompareTo(right) >= 0;
}

/// <summary>An event with its position in its stream.</summary>
[GenerateSerializer, Immutable, Alias("PositionedEvent")]
public sealed record PositionedEvent(
    [property: Id(0)] EventCursor Position,
    [property: Id(1)] VoucherEvent Event);

/// <summary>
/// What travels on an event stream: the events after <see cref="After"/> up to and including <see cref="Through"/>, in
/// order. A consumer whose own cursor is behind <see cref="After"/> missed a page and asks the pump to go back.
/// </summary>
[GenerateSerializer, Immutable, Alias("EventPage")]
public sealed record EventPage(
    [property: Id(0)] int Stream,
    [property: Id(1)] EventCursor After,
    [property: Id(2)] EventCursor Through,
    [property: Id(3)] ImmutableArray<PositionedEvent> Events);
