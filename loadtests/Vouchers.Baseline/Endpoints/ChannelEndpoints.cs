using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Vouchers.Http.Contracts;
using Vouchers.Http.Persons;
using Vouchers.Http.Problems;
using Vouchers.Http.Results;
using Vouchers.Baseline.Data;
using Vouchers.Baseline.Security;
using Vouchers.Contracts;

namespace Vouchers.Baseline.Endpoints;

/// <summary>Claims and wallets, with the gateway's validation, outcomes and problem types.</summary>
public static class ChannelEndpoints
{
    public static RouteGroupBuilder MapChannelEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/channel").RequireAuthorization(nameof(PrincipalRole.Channel));
        group.MapPost("/claims", ClaimAsync).WithName("Claim").WithSummary("Claims a voucher of a batch for a person (idempotent per requestId).");
        group.MapPost("/wallet", WalletAsync).WithName("Wallet").WithSummary("A person's vouchers of batches that enable the channel, with their current status.");
        return group;
    }

    private static async Task<Results<Ok<VoucherView>, ValidationProblem, ProblemHttpResult>> ClaimAsync(
        ClaimBody body, ClaimsPrincipal user, ClaimStore claims, PersonInput person, TimeProvider time, HttpResponse response)
    {
        var v = new Validation();
        if (body.ToRequest(person, user.ScopeOf(), v) is not { } command)
        {
            return v.ToProblem();
        }

        var result = await claims.ClaimAsync(command, time.GetUtcNow());
        if (result is null)
        {
            return ProblemTypes.ConflictProblem("The request id was used for another claim.", "Send a new request id for a new claim.");
        }

        return ClaimResultMapping.ToHttp(result, response);
    }

    private static async Task<Results<Ok<WalletResponse>, ValidationProblem>> WalletAsync(
        WalletRequest body, ClaimsPrincipal user, ClaimStore claims, PersonInput person, TimeProvider time)
    {
        var v = new Validation();
        if (person.Holder(body.IdNumber, body.Attestation, v) is not { } id)
        {
            return v.ToProblem();
        }

        var vouchers = await claims.WalletAsync(person.Key(id), user.ScopeOf(), time.GetUtcNow());
        return TypedResults.Ok(new WalletResponse(id.Masked, vouchers));
    }
}
