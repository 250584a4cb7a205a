using System.Collections.Immutable;

namespace Vouchers.Contracts;

/// <summary>What an institution publishes for one class session (课次): which class, when.</summary>
[GenerateSerializer, Immutable, Alias("ClassSessionDefinition")]
public sealed record ClassSessionDefinition(
    [property: Id(0)] string ClassId,
    [property: Id(1)] string? CourseId,
    [property: Id(2)] string Title,
    [property: Id(3)] DateTimeOffset StartsAt,
    [property: Id(4)] DateTimeOffset EndsAt);

/// <summary>A published class session; <see cref="CheckIns"/> counts the people checked in so far.</summary>
[GenerateSerializer, Immutable, Alias("ClassSessionView")]
public sealed record ClassSessionView(
    [property: Id(0)] string Id,
    [property: Id(1)] string InstitutionId,
    [property: Id(2)] string ClassId,
    [property: Id(3)] string? CourseId,
    [property: Id(4)] string Title,
    [property: Id(5)] DateTimeOffset StartsAt,
    [property: Id(6)] DateTimeOffset EndsAt,
    [property: Id(7)] DateTimeOffset CheckInOpensAt,
    [property: Id(8)] DateTimeOffset PublishedAt,
    [property: Id(9)] int CheckIns);

[GenerateSerializer, Alias("SessionPublishStatus")]
public enum SessionPublishStatus
{
    Published = 0,
    /// <summary>The session was published before with this very definition: the first result is returned.</summary>
    AlreadyPublished = 1,
    /// <summary>The institution used this session id for another definition.</summary>
    IdTaken = 2,
    /// <summary>The class holds the most sessions it may.</summary>
    ClassFull = 3,
    /// <summary>
    /// The definition breaks a rule of <see cref="Domain.CheckInRules.Validate"/> or names another class; nothing was
    /// published. <see cref="SessionPublishResult.Field"/> names the field, <see cref="SessionPublishResult.Detail"/> says why.
    /// </summary>
    Invalid = 4,
}

/// <summary>
/// Outcome of publishing a session. <see cref="Session"/> is set when the session exists; <see cref="Field"/> (the JSON
/// name of the first field at fault) and <see cref="Detail"/> when <see cref="SessionPublishStatus.Invalid"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("SessionPublishResult")]
public sealed record SessionPublishResult(
    [property: Id(0)] SessionPublishStatus Status,
    [property: Id(1)] ClassSessionView? Session = null,
    [property: Id(2)] string? Detail = null,
    [property: Id(3)] string? Field = null);

/// <summary>The voucher a person is enrolled with at the institution (used there), holder masked as on the voucher.</summary>
[GenerateSerializer, Immutable, Alias("EnrolledVoucher")]
public sealed record EnrolledVoucher(
    [property: Id(0)] string Code,
    [property: Id(1)] string HolderName,
    [property: Id(2)] string HolderIdNumber,
    [property: Id(3)] string BatchId = "",
    [property: Id(4)] string ChannelId = "");

/// <summary>
/// A check-in as the gateway hands it to the session: the person as a keyed hash, the voucher the person is enrolled
/// with here (null when none: the session answers <see cref="CheckInOutcome.NotEnrolled"/>), and the phone's position.
/// </summary>
[GenerateSerializer, Immutable, Alias("CheckInRequest")]
public sealed record CheckInRequest(
    [property: Id(0)] string PersonKey,
    [property: Id(1)] EnrolledVoucher? Voucher,
    [property: Id(2)] string ChannelId,
    [property: Id(3)] string? RequestId,
    [property: Id(4)] string AttestationMethod,
    [property: Id(5)] double Latitude,
    [property: Id(6)] double Longitude,
    [property: Id(7)] double? AccuracyMeters);

/// <summary>One accepted check-in: who (masked), with which voucher, when, and how far from the institution.</summary>
[GenerateSerializer, Immutable, Alias("CheckInView")]
public sealed record CheckInView(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string InstitutionId,
    [property: Id(2)] string ClassId,
    [property: Id(3)] string VoucherCode,
    [property: Id(4)] string HolderName,
    [property: Id(5)] string HolderIdNumber,
    [property: Id(6)] DateTimeOffset CheckedInAt,
    [property: Id(7)] double DistanceMeters,
    [property: Id(8)] double? AccuracyMeters,
    [property: Id(9)] string ChannelId,
    [property: Id(10)] string AttestationMethod);

[GenerateSerializer, Alias("CheckInOutcome")]
public enum CheckInOutcome
{
    CheckedIn = 0,
    /// <summary>The person checked in to this session before: that first check-in is returned, nothing is counted.</summary>
    AlreadyCheckedIn = 1,
    SessionNotFound = 2,
    /// <summary>The person holds no voucher used (enrolled) at the institution.</summary>
    NotEnrolled = 3,
    /// <summary>Check-in has not opened yet (it opens <see cref="Domain.CheckInRules.EarlyAllowance"/> before the start).</summary>
    TooEarly = 4,
    /// <summary>The session has ended.</summary>
    TooLate = 5,
    /// <summary>The phone is farther from the institution than its check-in radius.</summary>
    OutsideRadius = 6,
    /// <summary>The session holds the most check-ins it may.</summary>
    SessionFull = 7,
}

/// <summary>
/// Outcome of a check-in. <see cref="CheckIn"/> is set when checked in (now or before); <see cref="DistanceMeters"/>
/// and <see cref="RadiusMeters"/> when the position was measured; <see cref="Session"/> whenever the session exists.
/// </summary>
[GenerateSerializer, Immutable, Alias("CheckInResult")]
public sealed record CheckInResult(
    [property: Id(0)] CheckInOutcome Outcome,
    [property: Id(1)] CheckInView? CheckIn = null,
    [property: Id(2)] ClassSessionView? Session = null,
    [property: Id(3)] double? DistanceMeters = null,
    [property: Id(4)] int? RadiusMeters = null);

/// <summary>A session with every check-in, oldest first.</summary>
[GenerateSerializer, Immutable, Alias("SessionAttendance")]
public sealed record SessionAttendance(
    [property: Id(0)] ClassSessionView Session,
    [property: Id(1)] ImmutableArray<CheckInView> CheckIns);

/// <summary>How often one voucher's holder attended the sessions of a class.</summary>
[GenerateSerializer, Immutable, Alias("VoucherAttendance")]
public sealed record VoucherAttendance(
    [property: Id(0)] string VoucherCode,
    [property: Id(1)] string HolderName,
    [property: Id(2)] string HolderIdNumber,
    [property: Id(3)] int SessionsAttended,
    [property: Id(4)] int SessionsHeld,
    [property: Id(5)] DateTimeOffset FirstCheckInAt,
    [property: Id(6)] DateTimeOffset LastCheckInAt);

/// <summary>
/// A class's attendance: sessions published, sessions held (their check-in has opened), and per voucher the sessions
/// attended, in voucher-code order.
/// </summary>
[GenerateSerializer, Immutable, Alias("ClassAttendance")]
public sealed record ClassAttendance(
    [property: Id(0)] string InstitutionId,
    [property: Id(1)] string ClassId,
    [property: Id(2)] int SessionsPublished,
    [property: Id(3)] int SessionsHeld,
    [property: Id(4)] ImmutableArray<VoucherAttendance> Vouchers);

/// <summary>Keys of the check-in grains: each is scoped by the institution, so one institution's ids never meet another's.</summary>
public static class CheckInKeys
{
    private const char Separator = '/';

    /// <summary>Key of <see cref="IClassSessionGrain"/>.</summary>
    public static string Session(string institutionId, string sessionId) => institutionId + Separator + sessionId;

    /// <summary>Key of <see cref="ITrainingClassGrain"/>.</summary>
    public static string Class(string institutionId, string classId) => institutionId + Separator + classId;

    /// <summary>Key of <see cref="IVoucherAttendanceGrain"/>.</summary>
    public static string Voucher(string institutionId, string code) => institutionId + Separator + code;

    /// <summary>Splits a key made above into the institution id and the id within it.</summary>
    public static (string InstitutionId, string Id) Parse(string key)
    {
        var at = key.IndexOf(Separator, StringComparison.Ordinal);
        return (key[..at], key[(at + 1)..]);
    }
}
