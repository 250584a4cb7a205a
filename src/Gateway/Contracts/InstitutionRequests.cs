using Vouchers.Contracts;

namespace Vouchers.Gateway.Contracts;

public sealed record VerifyRequest(string? Code);

/// <summary>The verdict for one code: <c>valid</c>, or the reason it is not.</summary>
public sealed record VerifyResponse(string Code, bool Valid, VerifyVerdict Verdict, VoucherView? Voucher);

public sealed record SubsidyApplicationRequest(string? BatchId, string[]? Codes);
