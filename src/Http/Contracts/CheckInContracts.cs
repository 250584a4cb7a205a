using System.ComponentModel.DataAnnotations;
using Vouchers.Contracts;
using Vouchers.Http.Persons;

namespace Vouchers.Http.Contracts;

/// <summary>
/// Body of POST /api/v1/institution/class-sessions. The <c>sessionId</c> is the institution's own id for the
/// session; publishing the same id and definition again returns the first result, so retries are safe. Without it
/// the gateway makes one up (and a retry publishes a second session).
/// </summary>
public sealed record ClassSessionRequest(
    string? SessionId, [property: Required] string? ClassId, string? CourseId, [property: Required] string? Title, [property: Required] DateTimeOffset? StartsAt, [property: Required] DateTimeOffset? EndsAt);

/// <summary>Body of POST /api/v1/channel/check-ins: a person checks in to a class session from their phone.</summary>
public sealed record CheckInBody
{
    /// <summary>The channel's reference for this request (optional; a check-in is once per person and session anyway).</summary>
    public string? RequestId { get; init; }
    [Required]
    public string? IdNumber { get; init; }
    [Required]
    public AttestationRequest? Attestation { get; init; }
    [Required]
    public string? InstitutionId { get; init; }
    [Required]
    public string? SessionId { get; init; }
    /// <summary>Which of the person's vouchers used at the institution to check in with; by default the one used last.</summary>
    public string? VoucherCode { get; init; }
    /// <summary>The phone's position, WGS-84 degrees.</summary>
    [Required]
    public double? Latitude { get; init; }
    [Required]
    public double? Longitude { get; init; }
    /// <summary>The accuracy the phone reports for the position, in metres (recorded, never added to the radius).</summary>
    public double? AccuracyMeters { get; init; }
}

/// <summary>A check-in as the channel sees it; <c>alreadyCheckedIn</c> marks the answer to a repeat (nothing was counted).</summary>
public sealed record CheckInResponse(
    string SessionId,
    string InstitutionId,
    string ClassId,
    string VoucherCode,
    string HolderName,
    string HolderIdNumber,
    DateTimeOffset CheckedInAt,
    double DistanceMeters,
    double? AccuracyMeters,
    bool AlreadyCheckedIn)
{
    public static CheckInResponse From(CheckInView c, bool alreadyCheckedIn) =>
        new(c.SessionId, c.InstitutionId, c.ClassId, c.VoucherCode, c.HolderName, c.HolderIdNumber, c.CheckedInAt, c.DistanceMeters,
            c.AccuracyMeters, alreadyCheckedIn);
}

/// <summary>One voucher's attendance at the institution, per class it checked in to.</summary>
public sealed record VoucherAttendanceResponse(
    string VoucherCode, string HolderName, string HolderIdNumber, IReadOnlyList<VoucherClassAttendance> Classes);

public sealed record VoucherClassAttendance(
    string ClassId, int SessionsAttended, int SessionsHeld, int SessionsPublished, DateTimeOffset FirstCheckInAt, DateTimeOffset LastCheckInAt);
