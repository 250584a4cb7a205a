using Microsoft.AspNetCore.Http.HttpResults;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Http.Problems;

namespace Vouchers.Gateway.Endpoints;

/// <summary>Voucher codes as callers send them, and the answer when a voucher refuses a step.</summary>
public static class CodeInput
{
    /// <summary>Normalizes and checks a code (length, alphabet, check character) before any lookup.</summary>
    public static string? Parse(string? raw, Validation validation, string field)
    {
        var code = VoucherCode.Normalize(raw);
        if (!VoucherCode.IsWellFormed(code))
        {
            validation.Add(field, $"A voucher code has {VoucherCode.Length} characters and a valid check character.");
            return null;
        }

        return code;
    }

    /// <summary>
    /// A channel's one answer for a voucher it may not act on: not this person's, of a batch that does not enable the
    /// channel, or no voucher at all. The channel cannot tell them apart.
    /// </summary>
    public static ProblemHttpResult NotHeld() => ProblemTypes.NotFoundProblem("A voucher with this code held by this person");

    public static ProblemHttpResult Rejected(VoucherCommandResult result) =>
        ProblemTypes.Problem(StatusCodes.Status409Conflict, ProblemTypes.VoucherRejected,
            $"The voucher cannot take this step: {Describe(result.Verdict)}.", result.Detail,
            new Dictionary<string, object?> { ["verdict"] = result.Verdict, ["voucher"] = result.Voucher });

    public static string Describe(VerifyVerdict verdict) => verdict switch
    {
        VerifyVerdict.Valid => "it is valid",
        VerifyVerdict.Unknown => "no such voucher",
        VerifyVerdict.Malformed => "the code is malformed",
        VerifyVerdict.Expired => "it has expired",
        VerifyVerdict.Returned => "it was returned",
        VerifyVerdict.Redeemed => "it was redeemed",
        VerifyVerdict.AlreadyUsed => "it was used already",
        VerifyVerdict.NotForThisInstitution => "it is not valid at this institution",
        _ => verdict.ToString(),
    };
}
