using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Vouchers.Http.Contracts;
using Vouchers.Http.Problems;
using Vouchers.Baseline.Data;
using Vouchers.Baseline.Security;
using Vouchers.Contracts;
using Vouchers.Domain;

namespace Vouchers.Baseline.Endpoints;

/// <summary>Create, activate and read batches: the admin subset a load test needs to set up its batches.</summary>
public static class AdminBatchEndpoints
{
    public static RouteGroupBuilder MapAdminBatchEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin/batches").RequireAuthorization(nameof(PrincipalRole.Admin));
        group.MapPost("/", CreateAsync).WithName("CreateBatch").WithSummary("Defines a new batch (as a draft).");
        group.MapGet("/{id}", GetAsync).WithName("GetBatch").WithSummary("A batch with its live counters.");
        group.MapPost("/{id}/activate", ActivateAsync).WithName("ActivateBatch").WithSummary("Opens the batch for claims.");
        return group;
    }

    private static async Task<Results<Created<BatchSnapshot>, ValidationProblem>> CreateAsync(
        BatchRequest body, ClaimsPrincipal user, BatchStore batches, TimeProvider time)
    {
        var v = new Validation();
        var definition = body.ToDefinition(user.ScopeOf(), time.GetUtcNow(), v);
        if (definition is null)
        {
            return v.ToProblem();
        }

        if (!user.CanAdminister(definition.RegionCode))
        {
            return Validation.Single("regionCode", "The batch's region must lie within your own region.");
        }

        // The baseline keeps no registries of programs, institutions and channels: well-formed ids are accepted.
        var id = Identifiers.NewId("b");
        var batch = await batches.CreateAsync(id, definition, time.GetUtcNow());
        return TypedResults.Created($"/api/v1/admin/batches/{id}", batch);
    }

    private static async Task<Results<Ok<BatchSnapshot>, ProblemHttpResult>> GetAsync(string id, ClaimsPrincipal user, BatchStore batches, TimeProvider time)
    {
        var batch = await FindAsync(id, user, batches, time);
        return batch is null ? ProblemTypes.NotFoundProblem("The batch") : TypedResults.Ok(batch);
    }

    private static async Task<Results<Ok<BatchSnapshot>, ProblemHttpResult>> ActivateAsync(string id, ClaimsPrincipal user, BatchStore batches, TimeProvider time)
    {
        if (await FindAsync(id, user, batches, time) is null)
        {
            return ProblemTypes.NotFoundProblem("The batch");
        }

        var (status, detail) = await batches.ActivateAsync(id, time.GetUtcNow());
        return status switch
        {
            BatchCommandStatus.Done => TypedResults.Ok((await batches.GetAsync(id, time.GetUtcNow()))!),
            BatchCommandStatus.NotFound => ProblemTypes.NotFoundProblem("The batch"),
            _ => ProblemTypes.ConflictProblem("The batch cannot take this step.", detail),
        };
    }

    /// <summary>The batch if it exists within the admin's region; otherwise null (404, so ids do not leak across regions).</summary>
    private static async Task<BatchSnapshot?> FindAsync(string id, ClaimsPrincipal user, BatchStore batches, TimeProvider time)
    {
        if (!Identifiers.IsValidSlug(id))
        {
            return null;
        }

        var batch = await batches.GetAsync(id, time.GetUtcNow());
        return batch is not null && user.CanAdminister(batch.Definition.RegionCode) ? batch : null;
    }
}
