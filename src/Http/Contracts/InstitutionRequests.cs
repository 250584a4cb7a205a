using System.ComponentModel.DataAnnotations;
using Vouchers.Contracts;

namespace Vouchers.Http.Contracts;

public sealed record VerifyRequest([property: Required] string? Code);

/// <summary>The verdict for one code: <c>valid</c>, or the reason it is not.</summary>
public sealed record VerifyResponse(string Code, bool Valid, VerifyVerdict Verdict, VoucherView? Voucher);

/// <summary>
/// Body of POST /api/v1/institution/subsidy-applications. With a <c>requestId</c> a retried submission
/// lands on the same application instead of creating a second one.
/// </summary>
public sealed record SubsidyApplicationRequest([property: Required] string? BatchId, [property: Required] string[]? Codes, string? RequestId = null);
