using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Vouchers.Http.Contracts;
using Vouchers.Http.Problems;
using Vouchers.Baseline.Data;
using Vouchers.Baseline.Security;
using Vouchers.Contracts;
using Vouchers.Domain;

namespace Vouchers.Baseline.Endpoints;

/// <summary>Scan-gun verification with the gateway's verdicts (the baseline does not enrol, apply for or redeem vouchers).</summary>
public static class InstitutionEndpoints
{
    public static RouteGroupBuilder MapInstitutionEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/institution").RequireAuthorization(nameof(PrincipalRole.Institution));
        group.MapPost("/verifications", VerifyAsync).WithName("Verify").WithSummary("Whether a scanned code is valid here, or why not.");
        return group;
    }

    private static async Task<Results<Ok<VerifyResponse>, ValidationProblem>> VerifyAsync(
        VerifyRequest body, ClaimsPrincipal user, ClaimStore claims, TimeProvider time)
    {
        if (string.IsNullOrWhiteSpace(body.Code) || body.Code.Length > 64)
        {
            return Validation.Single("code", "The code is required (at most 64 characters).");
        }

        var code = VoucherCode.Normalize(body.Code)!;
        if (!VoucherCode.HasCodeShape(code))
        {
            return TypedResults.Ok(new VerifyResponse(code, false, VerifyVerdict.Malformed, null));
        }

        if (!VoucherCode.IsWellFormed(code))
        {
            // As the engine does: a wrong check character answers like a code never issued.
            return TypedResults.Ok(new VerifyResponse(code, false, VerifyVerdict.Unknown, null));
        }

        var result = await claims.VerifyAsync(code, user.ScopeOf(), time.GetUtcNow());
        return TypedResults.Ok(new VerifyResponse(code, result.Valid, result.Verdict, result.Voucher));
    }
}
