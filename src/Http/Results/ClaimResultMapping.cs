using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Vouchers.Contracts;
using Vouchers.Http.Problems;

namespace Vouchers.Http.Results;

/// <summary>How a claim's outcome is answered over HTTP (shared with the baseline, so both speak alike).</summary>
public static class ClaimResultMapping
{
    public static Results<Ok<VoucherView>, ValidationProblem, ProblemHttpResult> ToHttp(ClaimResult result, HttpResponse response)
    {
        switch (result.Outcome)
        {
            case ClaimOutcome.Claimed:
                return TypedResults.Ok(result.Voucher!);
            case ClaimOutcome.Replayed:
                IdempotentReplay.Mark(response);
                return TypedResults.Ok(result.Voucher!);
            case ClaimOutcome.AlreadyClaimed:
                // The code only: the stock shard names it from memory; the voucher's current status is the wallet's to tell.
                return ProblemTypes.Problem(StatusCodes.Status409Conflict, ProblemTypes.AlreadyClaimed,
                    "The person holds a voucher of this batch already.", $"The existing voucher is {result.Voucher?.Code}.",
                    new Dictionary<string, object?> { ["voucherCode"] = result.Voucher?.Code });
            case ClaimOutcome.SoldOut:
                return ProblemTypes.Problem(StatusCodes.Status409Conflict, ProblemTypes.SoldOut, "The batch is sold out.");
            case ClaimOutcome.BatchNotFound:
                return ProblemTypes.NotFoundProblem("The batch");
            case ClaimOutcome.BatchNotActive or ClaimOutcome.OutsideClaimWindow:
                return ProblemTypes.Problem(StatusCodes.Status409Conflict, ProblemTypes.NotClaimable, "The batch cannot be claimed now.", result.Detail);
            case ClaimOutcome.ChannelNotEnabled:
                return ProblemTypes.Problem(StatusCodes.Status403Forbidden, ProblemTypes.ChannelNotEnabled, "The batch is not offered through this channel.");
            case ClaimOutcome.NotEligible:
                return ProblemTypes.Problem(StatusCodes.Status422UnprocessableEntity, ProblemTypes.NotEligible, "The person is not eligible for this batch.", result.Detail);
            case ClaimOutcome.Busy:
                response.Headers.RetryAfter = "1";
                return ProblemTypes.Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.Unavailable,
                    "The engine is busy; nothing was claimed. Retry shortly with the same requestId.");
            case ClaimOutcome.CommitmentRequired:
                return Validation.Single("commitment", "The batch requires the person's online commitment (commitment: true).");
            default:
                throw new InvalidOperationException($"Unexpected claim outcome {result.Outcome}.");
        }
    }
}
