using System.ComponentModel.DataAnnotations;
using Vouchers.Contracts;
using Vouchers.Http.Persons;

namespace Vouchers.Http.Contracts;

/// <summary>
/// Optional body of POST /api/v1/institution/vouchers/{code}/use: the course and class the holder enrols in.
/// </summary>
public sealed record UseRequest(string? CourseId = null, string? ClassId = null);

/// <summary>
/// Body of POST /api/v1/channel/vouchers/{code}/use: the channel checked the person (本人) and deducts their voucher
/// for online training at the institution.
/// </summary>
public sealed record OnlineUseRequest(
    [property: Required] string? IdNumber, [property: Required] AttestationRequest? Attestation, [property: Required] string? InstitutionId, string? CourseId = null, string? ClassId = null);

/// <summary>One line of an institution's verification records; <see cref="Code"/> is masked (<c>ABCD…WXYZ</c>).</summary>
public sealed record VerificationRecordView(
    long Id,
    DateTimeOffset OccurredAt,
    RecordKind Kind,
    string Code,
    VerifyVerdict Result,
    string? Clerk,
    string? DeviceId,
    UseMode? Mode,
    string? CourseId,
    string? ClassId)
{
    public static VerificationRecordView From(VerificationRecord r) =>
        new(r.Id, r.OccurredAt, r.Kind, r.MaskedCode, r.Result, r.Clerk, r.DeviceId, r.Mode, r.CourseId, r.ClassId);
}

/// <summary>A page of records, newest first; pass <see cref="NextCursor"/> as <c>cursor</c> for the next page (null: no more).</summary>
public sealed record VerificationRecordsResponse(IReadOnlyList<VerificationRecordView> Records, string? NextCursor);
