using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Gateway.Audit;
using Vouchers.Gateway.OpenApi;
using Vouchers.Gateway.Security;
using Vouchers.Http.Contracts;
using Vouchers.Http.Problems;

namespace Vouchers.Gateway.Endpoints;

/// <summary>HR departments audit subsidy applications and disburse, which redeems (核销) the vouchers.</summary>
public static class AdminSubsidyEndpoints
{
    public const int MaxReasonLength = 500;

    public static RouteGroupBuilder MapAdminSubsidyEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin")
            .WithTags("Admin: subsidies")
            .RequireAuthorization(CallerClaims.PolicyFor(PrincipalRole.Admin));

        group.MapGet("/batches/{batchId}/subsidy-applications", ListAsync)
            .WithName("ListSubsidyApplications").WithSummary("The subsidy applications filed against a batch.");
        group.MapGet("/subsidy-applications/{id}", GetAsync)
            .WithName("GetSubsidyApplication").WithSummary("A subsidy application with its lines.");
        group.MapPost("/subsidy-applications/{id}/review", ReviewAsync)
            .WithName("ReviewSubsidyApplication").WithSummary("Approves or rejects lines of an application.")
            .Audited(AuditActions.SubsidyReview, AuditSubjects.SubsidyApplication)
            .AlsoAnswers(StatusCodes.Status409Conflict);
        group.MapPost("/subsidy-applications/{id}/disburse", DisburseAsync)
            .WithName("DisburseSubsidy").WithSummary("Pays the approved lines; their vouchers are redeemed and never verify again.")
            .Audited(AuditActions.SubsidyDisburse, AuditSubjects.SubsidyApplication)
            .AlsoAnswers(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<Results<Ok<SubsidyApplicationView[]>, ProblemHttpResult>> ListAsync(string batchId, ClaimsPrincipal user, IGrainFactory grains)
    {
        var batch = Identifiers.IsValidSlug(batchId) ? await grains.Grain<IBatchGrain>(batchId).GetAsync() : null;
        if (batch is null || !user.CanAdminister(batch.Definition.RegionCode))
        {
            return ProblemTypes.NotFoundProblem("The batch");
        }

        var ids = await grains.Grain<IBatchApplicationsGrain>(batchId).ListAsync();
        var views = await Task.WhenAll(ids.Select(id => grains.Grain<ISubsidyApplicationGrain>(id).GetAsync()));
        return TypedResults.Ok(views.OfType<SubsidyApplicationView>().ToArray());
    }

    private static async Task<Results<Ok<SubsidyApplicationView>, ProblemHttpResult>> GetAsync(string id, ClaimsPrincipal user, IGrainFactory grains) =>
        await FindAsync(id, user, grains) is { } application ? TypedResults.Ok(application) : ProblemTypes.NotFoundProblem("The subsidy application");

    private static async Task<Results<Ok<SubsidyApplicationView>, ValidationProblem, ProblemHttpResult>> ReviewAsync(
        string id, ReviewRequest body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var v = new Validation();
        var decisions = new List<SubsidyDecision>();
        if (body.Decisions is not { Length: > 0 and <= SubsidyApplicationLimits.MaxCodes })
        {
            v.Add("decisions", $"List 1 to {SubsidyApplicationLimits.MaxCodes} decisions.");
        }
        else
        {
            for (var i = 0; i < body.Decisions.Length; i++)
            {
                if (body.Decisions[i] is not { } d)
                {
                    v.Add($"decisions[{i}]", "The decision is required.");
                    continue;
                }

                var code = CodeInput.Parse(d.Code, v, $"decisions[{i}].code");
                if (d.Approve is null)
                {
                    v.Add($"decisions[{i}].approve", "Say true to approve or false to reject.");
                }

                var reason = DisplayText.Check(d.Reason, MaxReasonLength, out var reasonError, required: false);
                if (reasonError is not null)
                {
                    v.Add($"decisions[{i}].reason", reasonError);
                }

                if (code is not null && d.Approve is { } approve)
                {
                    decisions.Add(new SubsidyDecision(code, approve, reason));
                }
            }
        }

        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        if (await FindAsync(id, user, grains) is null)
        {
            return ProblemTypes.NotFoundProblem("The subsidy application");
        }

        return ToResponse(await grains.Grain<ISubsidyApplicationGrain>(id).ReviewAsync([.. decisions]));
    }

    private static async Task<Results<Ok<SubsidyApplicationView>, ValidationProblem, ProblemHttpResult>> DisburseAsync(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (await FindAsync(id, user, grains) is null)
        {
            return ProblemTypes.NotFoundProblem("The subsidy application");
        }

        return ToResponse(await grains.Grain<ISubsidyApplicationGrain>(id).DisburseAsync());
    }

    private static async Task<SubsidyApplicationView?> FindAsync(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        var application = Identifiers.IsValidSlug(id) ? await grains.Grain<ISubsidyApplicationGrain>(id).GetAsync() : null;
        return application is not null && user.CanAdminister(application.RegionCode) ? application : null;
    }

    private static Results<Ok<SubsidyApplicationView>, ValidationProblem, ProblemHttpResult> ToResponse(SubsidyCommandResult result) => result.Status switch
    {
        SubsidyCommandStatus.Done => TypedResults.Ok(result.Application!),
        SubsidyCommandStatus.NotFound => ProblemTypes.NotFoundProblem("The subsidy application"),
        SubsidyCommandStatus.UnknownLine => Validation.Single("decisions", result.Detail ?? "A decision names no reviewable line."),
        _ => ProblemTypes.ConflictProblem("The application cannot take this step.", result.Detail),
    };
}
