using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Gateway.Audit;
using Vouchers.Gateway.OpenApi;
using Vouchers.Gateway.Security;
using Vouchers.Http.Contracts;
using Vouchers.Http.Persons;
using Vouchers.Http.Problems;

namespace Vouchers.Gateway.Endpoints;

/// <summary>HR departments define and steer voucher batches within their own region.</summary>
public static class AdminBatchEndpoints
{
    public const int MaxTargetsPerCall = 1000;

    public static RouteGroupBuilder MapAdminBatchEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin/batches")
            .WithTags("Admin: batches")
            .RequireAuthorization(CallerClaims.PolicyFor(PrincipalRole.Admin));

        group.MapPost("/", CreateAsync).WithName("CreateBatch").WithSummary("Defines a new batch (as a draft).")
            .Audited(AuditActions.BatchCreate, AuditSubjects.Batch)
            .AlsoAnswers(StatusCodes.Status409Conflict);
        group.MapGet("/", ListAsync).WithName("ListBatches").WithSummary("The batches of the admin's region.");
        group.MapGet("/{id}", GetAsync).WithName("GetBatch").WithSummary("A batch with its live counters.");
        group.MapPut("/{id}", UpdateAsync).WithName("UpdateBatch").WithSummary("Replaces a batch's definition.")
            .Audited(AuditActions.BatchUpdate, AuditSubjects.Batch)
            .AlsoAnswers(StatusCodes.Status409Conflict);
        group.MapPost("/{id}/activate", (string id, ClaimsPrincipal user, IGrainFactory grains) => CommandAsync(id, user, grains, b => b.ActivateAsync()))
            .WithName("ActivateBatch").WithSummary("Opens the batch for claims within its claim window.")
            .Audited(AuditActions.BatchActivate, AuditSubjects.Batch)
            .AlsoAnswers(StatusCodes.Status409Conflict);
        group.MapPost("/{id}/pause", (string id, ClaimsPrincipal user, IGrainFactory grains) => CommandAsync(id, user, grains, b => b.PauseAsync()))
            .WithName("PauseBatch").WithSummary("Stops claims until the batch is activated again.")
            .Audited(AuditActions.BatchPause, AuditSubjects.Batch)
            .AlsoAnswers(StatusCodes.Status409Conflict);
        group.MapPost("/{id}/close", (string id, ClaimsPrincipal user, IGrainFactory grains) => CommandAsync(id, user, grains, b => b.CloseAsync()))
            .WithName("CloseBatch").WithSummary("Ends the batch for good; issued vouchers stay valid.")
            .Audited(AuditActions.BatchClose, AuditSubjects.Batch)
            .AlsoAnswers(StatusCodes.Status409Conflict);
        group.MapPost("/{id}/quantity", AddQuantityAsync).WithName("AddQuantity").WithSummary("Adds stock to the batch.")
            .Audited(AuditActions.BatchQuantity, AuditSubjects.Batch)
            .AlsoAnswers(StatusCodes.Status409Conflict);
        group.MapPost("/{id}/targets", AddTargetsAsync)
            .WithName("AddTargets").WithSummary("Puts people on the batch's targeted list (定向发放); ID numbers go in the body.")
            .Audited(AuditActions.BatchTargets, AuditSubjects.BatchTargets);
        return group;
    }

    private static async Task<Results<Created<BatchSnapshot>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        BatchRequest body, ClaimsPrincipal user, IGrainFactory grains, TimeProvider time)
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

        if (await ReferenceProblemAsync(definition, user, grains) is { } missing)
        {
            return missing;
        }

        var id = Identifiers.NewId("b");
        var result = await grains.Grain<IBatchGrain>(id).CreateAsync(definition);
        return result.Status switch
        {
            BatchCommandStatus.Done => TypedResults.Created($"/api/v1/admin/batches/{id}", result.Batch!),
            BatchCommandStatus.Invalid => Validation.Single(result.Field ?? "body", result.Detail ?? "The definition is not valid."),
            _ => ProblemTypes.ConflictProblem("The batch could not be created.", result.Detail),
        };
    }

    private static async Task<Ok<BatchSummary[]>> ListAsync(ClaimsPrincipal user, IGrainFactory grains)
    {
        var all = await grains.Grain<IBatchCatalogGrain>("all").ListAsync();
        return TypedResults.Ok(all.Where(b => user.CanAdminister(b.RegionCode)).ToArray());
    }

    private static async Task<Results<Ok<BatchSnapshot>, ProblemHttpResult>> GetAsync(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        var batch = await FindAsync(id, user, grains);
        return batch is null ? ProblemTypes.NotFoundProblem("The batch") : TypedResults.Ok(batch);
    }

    private static async Task<Results<Ok<BatchSnapshot>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string id, BatchRequest body, ClaimsPrincipal user, IGrainFactory grains, TimeProvider time)
    {
        var existing = await FindAsync(id, user, grains);
        if (existing is null)
        {
            return ProblemTypes.NotFoundProblem("The batch");
        }

        var v = new Validation();
        var definition = (body with { RegionCode = body.RegionCode ?? existing.Definition.RegionCode })
            .ToDefinition(user.ScopeOf(), time.GetUtcNow(), v, existing.Definition);
        if (definition is null)
        {
            return v.ToProblem();
        }

        if (await ReferenceProblemAsync(definition, user, grains) is { } missing)
        {
            return missing;
        }

        var result = await grains.Grain<IBatchGrain>(id).UpdateAsync(definition);
        return ToResponse(result);
    }

    private static async Task<Results<Ok<BatchSnapshot>, ValidationProblem, ProblemHttpResult>> CommandAsync(
        string id, ClaimsPrincipal user, IGrainFactory grains, Func<IBatchGrain, Task<BatchCommandResult>> command)
    {
        if (await FindAsync(id, user, grains) is null)
        {
            return ProblemTypes.NotFoundProblem("The batch");
        }

        return ToResponse(await command(grains.Grain<IBatchGrain>(id)));
    }

    private static async Task<Results<Ok<BatchSnapshot>, ValidationProblem, ProblemHttpResult>> AddQuantityAsync(
        string id, QuantityRequest body, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (body.Amount is not ({ } amount and >= 1 and <= BatchDefinitionRules.MaxQuantity))
        {
            return Validation.Single("amount", $"The amount must be between 1 and {BatchDefinitionRules.MaxQuantity}.");
        }

        return await CommandAsync(id, user, grains, b => b.AddQuantityAsync(amount));
    }

    private static async Task<Results<Ok<TargetsResponse>, ValidationProblem, ProblemHttpResult>> AddTargetsAsync(
        string id, TargetsRequest body, ClaimsPrincipal user, IGrainFactory grains, PersonInput person)
    {
        if (await FindAsync(id, user, grains) is null)
        {
            return ProblemTypes.NotFoundProblem("The batch");
        }

        var v = new Validation();
        if (body.IdNumbers is not { Length: > 0 and <= MaxTargetsPerCall })
        {
            return Validation.Single("idNumbers", $"List 1 to {MaxTargetsPerCall} ID numbers per call.");
        }

        var ids = new List<ResidentIdNumber>();
        for (var i = 0; i < body.IdNumbers.Length; i++)
        {
            if (person.IdNumber(body.IdNumbers[i], v, $"idNumbers[{i}]") is { } parsed)
            {
                ids.Add(parsed);
            }
        }

        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var keys = ids.Select(person.Key).Distinct(StringComparer.Ordinal).ToList();
        await Task.WhenAll(keys.Select(k => grains.Grain<IPersonLedgerGrain>(k).AddTargetAsync(id)));
        return TypedResults.Ok(new TargetsResponse(keys.Count));
    }

    /// <summary>The batch if it exists and lies within the admin's region; otherwise null (404, so ids do not leak across regions).</summary>
    private static async Task<BatchSnapshot?> FindAsync(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!Identifiers.IsValidSlug(id))
        {
            return null;
        }

        var batch = await grains.Grain<IBatchGrain>(id).GetAsync();
        return batch is not null && user.CanAdminister(batch.Definition.RegionCode) ? batch : null;
    }

    private static Results<Ok<BatchSnapshot>, ValidationProblem, ProblemHttpResult> ToResponse(BatchCommandResult result) => result.Status switch
    {
        BatchCommandStatus.Done => TypedResults.Ok(result.Batch!),
        BatchCommandStatus.NotFound => ProblemTypes.NotFoundProblem("The batch"),
        BatchCommandStatus.Invalid => Validation.Single(result.Field ?? "body", result.Detail ?? "The change is not valid."),
        _ => ProblemTypes.ConflictProblem("The batch cannot take this step.", result.Detail),
    };

    /// <summary>
    /// Checks that the program, institutions and channels the batch names exist and are the admin's to see (an entry
    /// of another region is answered as not registered, as its read is, so a batch is no way to probe other regions).
    /// </summary>
    private static async Task<ValidationProblem?> ReferenceProblemAsync(BatchDefinition d, ClaimsPrincipal user, IGrainFactory grains)
    {
        var v = new Validation();
        if (await grains.Grain<IRegistryGrain<TrainingProgram>>(d.ProgramId).GetAsync() is not { } program || !user.CanSee(program.RegionCode))
        {
            v.Add("programId", $"No program '{d.ProgramId}' is registered.");
        }

        var institutions = await Task.WhenAll(d.EligibleInstitutionIds.Select(i => grains.Grain<IRegistryGrain<Institution>>(i).GetAsync()));
        foreach (var (institutionId, found) in d.EligibleInstitutionIds.Zip(institutions))
        {
            if (found is null || !user.CanSee(found.RegionCode))
            {
                v.Add("eligibleInstitutionIds", $"No institution '{institutionId}' is registered.");
            }
        }

        var channels = await Task.WhenAll(d.EnabledChannelIds.Select(c => grains.Grain<IRegistryGrain<Channel>>(c).GetAsync()));
        foreach (var (channelId, found) in d.EnabledChannelIds.Zip(channels))
        {
            if (found is null)
            {
                v.Add("enabledChannelIds", $"No channel '{channelId}' is registered.");
            }
        }

        return v.IsValid ? null : v.ToProblem();
    }
}
