using System.Collections.Immutable;

namespace Vouchers.Contracts;

[GenerateSerializer, Alias("SubsidyLineStatus")]
public enum SubsidyLineStatus
{
    /// <summary>Accepted at submission, waiting for the admin's decision.</summary>
    Pending = 0,
    /// <summary>Refused at submission (the voucher was not used at this institution, or is in another application).</summary>
    Refused = 1,
    Approved = 2,
    Rejected = 3,
    Redeemed = 4,
}

[GenerateSerializer, Immutable, Alias("SubsidyLine")]
public sealed record SubsidyLine(
    [property: Id(0)] string Code,
    [property: Id(1)] SubsidyLineStatus Status,
    [property: Id(2)] decimal Amount,
    [property: Id(3)] string? Reason = null);

[GenerateSerializer, Alias("SubsidyApplicationStatus")]
public enum SubsidyApplicationStatus
{
    Submitted = 0,
    Disbursed = 1,
}

[GenerateSerializer, Immutable, Alias("SubsidyApplicationView")]
public sealed record SubsidyApplicationView(
    [property: Id(0)] string Id,
    [property: Id(1)] string InstitutionId,
    [property: Id(2)] string BatchId,
    [property: Id(3)] string RegionCode,
    [property: Id(4)] SubsidyApplicationStatus Status,
    [property: Id(5)] ImmutableArray<SubsidyLine> Lines,
    [property: Id(6)] DateTimeOffset SubmittedAt,
    [property: Id(7)] DateTimeOffset? DisbursedAt)
{
    public decimal ApprovedAmount => Lines.Where(l => l.Status is SubsidyLineStatus.Approved or SubsidyLineStatus.Redeemed).Sum(l => l.Amount);
}

/// <summary>An admin's decision on one line.</summary>
[GenerateSerializer, Immutable, Alias("SubsidyDecision")]
public sealed record SubsidyDecision(
    [property: Id(0)] string Code,
    [property: Id(1)] bool Approve,
    [property: Id(2)] string? Reason);

[GenerateSerializer, Alias("SubsidyCommandStatus")]
public enum SubsidyCommandStatus
{
    Done = 0,
    NotFound = 1,
    AlreadyExists = 2,
    InvalidState = 3,
    UnknownLine = 4,
    /// <summary>
    /// The command's input breaks a rule (an application lists 1 to 500 codes); nothing changed.
    /// <see cref="SubsidyCommandResult.Field"/> names the field, <see cref="SubsidyCommandResult.Detail"/> says why.
    /// </summary>
    Invalid = 5,
}

/// <summary>Outcome of a command on a subsidy application; <see cref="Field"/> is set with <see cref="SubsidyCommandStatus.Invalid"/>.</summary>
[GenerateSerializer, Immutable, Alias("SubsidyCommandResult")]
public sealed record SubsidyCommandResult(
    [property: Id(0)] SubsidyCommandStatus Status,
    [property: Id(1)] SubsidyApplicationView? Application = null,
    [property: Id(2)] string? Detail = null,
    [property: Id(3)] string? Field = null);

/// <summary>How large a subsidy application may be: one limit for the gateway's checks and the grain's.</summary>
public static class SubsidyApplicationLimits
{
    /// <summary>Codes an application lists, and decisions one review carries, at most.</summary>
    public const int MaxCodes = 500;
}
