using System.Collections.Immutable;

namespace Vouchers.Contracts;

/// <summary>What an institution did with a code: looked it up (verify) or enrolled its holder (use).</summary>
[GenerateSerializer, Alias("RecordKind")]
public enum RecordKind
{
    Verify = 0,
    Use = 1,
}

/// <summary>
/// How a voucher was used: offline, the institution entered the code at enrolment (scan gun, web page); online, the
/// person's e-SSC channel deducted it after checking the person's identity.
/// </summary>
[GenerateSerializer, Alias("UseMode")]
public enum UseMode
{
    Offline = 0,
    Online = 1,
}

/// <summary>
/// One line of an institution's verification records (验券记录). It holds only what the institution is shown: the code
/// masked (first and last four characters), never the holder, never the full code.
/// </summary>
/// <param name="Id">Assigned by the record store when the record is stored (0 before); orders records of the same instant.</param>
/// <param name="InstitutionId">Whose records these are: the institution that verified or used the code.</param>
/// <param name="OccurredAt">When the verification was answered or the use was made (whole microseconds).</param>
/// <param name="Kind">Verify or use.</param>
/// <param name="MaskedCode">The code as <c>ABCD…WXYZ</c> (see <c>Masking.MaskCode</c>).</param>
/// <param name="Result">The verdict; for a use, <see cref="VerifyVerdict.Valid"/> means the use succeeded.</param>
/// <param name="Clerk">Who acted: the institution's API key id, or the channel id for an online use.</param>
/// <param name="DeviceId">The scan gun or terminal, when the caller named one (X-Device-Id).</param>
/// <param name="Mode">For a use: offline or online; null for a verification.</param>
/// <param name="CourseId">For a use: the course the holder enrolled in, when given.</param>
/// <param name="ClassId">For a use: the class the holder enrolled in, when given.</param>
[GenerateSerializer, Immutable, Alias("VerificationRecord")]
public sealed record VerificationRecord(
    [property: Id(0)] long Id,
    [property: Id(1)] string InstitutionId,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] RecordKind Kind,
    [property: Id(4)] string MaskedCode,
    [property: Id(5)] VerifyVerdict Result,
    [property: Id(6)] string? Clerk,
    [property: Id(7)] string? DeviceId = null,
    [property: Id(8)] UseMode? Mode = null,
    [property: Id(9)] string? CourseId = null,
    [property: Id(10)] string? ClassId = null)
{
    /// <summary>Record times are kept to whole microseconds, the precision PostgreSQL stores, so every store agrees.</summary>
    public static DateTimeOffset Instant(DateTimeOffset time) =>
        new DateTimeOffset(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
}

/// <summary>Where a page of records ended: the next page starts after this record (newest first).</summary>
[GenerateSerializer, Immutable, Alias("RecordCursor")]
public sealed record RecordCursor(
    [property: Id(0)] DateTimeOffset OccurredAt,
    [property: Id(1)] long Id);

/// <summary>
/// Which of an institution's records to list, newest first: <see cref="From"/> inclusive, <see cref="To"/> exclusive,
/// optionally one kind and one result, starting after <see cref="After"/>, at most <see cref="Limit"/> records.
/// </summary>
[GenerateSerializer, Immutable, Alias("RecordQuery")]
public sealed record RecordQuery(
    [property: Id(0)] DateTimeOffset? From = null,
    [property: Id(1)] DateTimeOffset? To = null,
    [property: Id(2)] RecordKind? Kind = null,
    [property: Id(3)] VerifyVerdict? Result = null,
    [property: Id(4)] RecordCursor? After = null,
    [property: Id(5)] int Limit = RecordQuery.DefaultLimit)
{
    public const int DefaultLimit = 50;

    /// <summary>The largest page a store hands out in one call (the HTTP API allows at most 200).</summary>
    public const int MaxLimit = 1000;

    /// <summary>Whether a record passes the filters (not the cursor).</summary>
    public bool Matches(VerificationRecord record) =>
        (From is not { } from || record.OccurredAt >= from)
        && (To is not { } to || record.OccurredAt < to)
        && (Kind is not { } kind || record.Kind == kind)
        && (Result is not { } result || record.Result == result);
}

/// <summary>A page of records, newest first; <see cref="Next"/> is set when more records may follow.</summary>
[GenerateSerializer, Immutable, Alias("RecordPage")]
public sealed record RecordPage(
    [property: Id(0)] ImmutableArray<VerificationRecord> Records,
    [property: Id(1)] RecordCursor? Next);
