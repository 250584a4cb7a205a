using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Vouchers.Contracts;

/// <summary>
/// One line of the audit trail: a change of state that an admin or an institution made and was answered as done.
/// It says who (the API key id), when, what (the action and the id of what it changed), the region of what changed
/// (so that admins see the lines of their region), the essentials before and after as small JSON objects (statuses,
/// quantities, counts, expiries; never an ID number or a person's name) and the client address of the request.
/// </summary>
/// <param name="Id">Assigned by the audit store (0 before); orders records of the same instant.</param>
/// <param name="OccurredAt">When the change was answered (whole microseconds).</param>
/// <param name="Actor">The key id of the caller.</param>
/// <param name="Action">One of <see cref="AuditActions"/>, e.g. <c>batch.activate</c>.</param>
/// <param name="TargetId">The id of what changed: a batch, application, key, program, institution, channel or session.</param>
/// <param name="RegionCode">The region of what changed ("" for national things: channels, ministry and channel keys).</param>
/// <param name="Before">The essentials before the change as a JSON object; null for a creation.</param>
/// <param name="After">The essentials after the change as a JSON object.</param>
/// <param name="ClientAddress">The address the request came from (the TCP peer; a proxy's X-Forwarded-For is not trusted).</param>
[GenerateSerializer, Immutable, Alias("AuditRecord")]
public sealed record AuditRecord(
    [property: Id(0)] long Id,
    [property: Id(1)] DateTimeOffset OccurredAt,
    [property: Id(2)] string Actor,
    [property: Id(3)] string Action,
    [property: Id(4)] string TargetId,
    [property: Id(5)] string RegionCode,
    [property: Id(6)] string? Before,
    [property: Id(7)] string? After,
    [property: Id(8)] string? ClientAddress);

/// <summary>
/// Which audit records to list, newest first: those whose region starts with the caller's prefix (given apart),
/// <see cref="From"/> inclusive, <see cref="To"/> exclusive, optionally one actor, action and target, starting after
/// <see cref="After"/>, at most <see cref="Limit"/> records.
/// </summary>
[GenerateSerializer, Immutable, Alias("AuditQuery")]
public sealed record AuditQuery(
    [property: Id(0)] DateTimeOffset? From = null,
    [property: Id(1)] DateTimeOffset? To = null,
    [property: Id(2)] string? Actor = null,
    [property: Id(3)] string? Action = null,
    [property: Id(4)] string? TargetId = null,
    [property: Id(5)] RecordCursor? After = null,
    [property: Id(6)] int Limit = RecordQuery.DefaultLimit)
{
    /// <summary>Whether a record passes the filters (not the region, not the cursor).</summary>
    public bool Matches(AuditRecord record) =>
        (From is not { } from || record.OccurredAt >= from)
        && (To is not { } to || record.OccurredAt < to)
        && (Actor is null || string.Equals(record.Actor, Actor, StringComparison.Ordinal))
        && (Action is null || string.Equals(record.Action, Action, StringComparison.Ordinal))
        && (TargetId is null || string.Equals(record.TargetId, TargetId, StringComparison.Ordinal));
}

/// <summary>A page of audit records, newest first; <see cref="Next"/> is set when more records may follow.</summary>
[GenerateSerializer, Immutable, Alias("AuditPage")]
public sealed record AuditPage(
    [property: Id(0)] ImmutableArray<AuditRecord> Records,
    [property: Id(1)] RecordCursor? Next);

/// <summary>The names of the audited actions.</summary>
public static class AuditActions
{
    public const string BatchCreate = "batch.create";
    public const string BatchUpdate = "batch.update";
    public const string BatchActivate = "batch.activate";
    public const string BatchPause = "batch.pause";
    public const string BatchClose = "batch.close";
    public const string BatchQuantity = "batch.quantity";
    public const string BatchTargets = "batch.targets";
    public const string SubsidyReview = "subsidy.review";
    public const string SubsidyDisburse = "subsidy.disburse";
    public const string SubsidyApply = "subsidy.apply";
    public const string ProgramCreate = "program.create";
    public const string InstitutionCreate = "institution.create";
    public const string ChannelCreate = "channel.create";
    public const string KeyIssue = "key.issue";
    public const string KeyRevoke = "key.revoke";
    public const string KeyRotate = "key.rotate";
    public const string SessionPublish = "session.publish";

    public static readonly FrozenSet<string> All = new[]
    {
        BatchCreate, BatchUpdate, BatchActivate, BatchPause, BatchClose, BatchQuantity, BatchTargets,
        SubsidyReview, SubsidyDisburse, SubsidyApply, ProgramCreate, InstitutionCreate, ChannelCreate,
        KeyIssue, KeyRevoke, KeyRotate, SessionPublish,
    }.ToFrozenSet(StringComparer.Ordinal);
}
