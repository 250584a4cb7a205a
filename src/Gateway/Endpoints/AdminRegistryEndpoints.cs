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

/// <summary>The minimal registries batches refer to: training programs, institutions and channels.</summary>
public static class AdminRegistryEndpoints
{
    public static RouteGroupBuilder MapAdminRegistryEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin")
            .WithTags("Admin: registries")
            .RequireAuthorization(CallerClaims.PolicyFor(PrincipalRole.Admin));

        group.MapPost("/programs", CreateProgramAsync).WithName("CreateProgram").WithSummary("Registers a training program.")
            .Audited(AuditActions.ProgramCreate, AuditSubjects.RegistryEntry)
            .AlsoAnswers(StatusCodes.Status409Conflict);
        group.MapGet("/programs/{id}", (string id, ClaimsPrincipal user, IGrainFactory grains) =>
                GetAsync<TrainingProgram>(id, grains, "The program", p => user.CanSee(p.RegionCode)))
            .WithName("GetProgram").WithSummary("A training program of, or serving, the admin's region.");
        group.MapPost("/institutions", CreateInstitutionAsync).WithName("CreateInstitution").WithSummary("Registers a training institution in the admin's region.")
            .Audited(AuditActions.InstitutionCreate, AuditSubjects.RegistryEntry)
            .AlsoAnswers(StatusCodes.Status409Conflict);
        group.MapGet("/institutions/{id}", (string id, ClaimsPrincipal user, IGrainFactory grains) =>
                GetAsync<Institution>(id, grains, "The institution", i => user.CanSee(i.RegionCode)))
            .WithName("GetInstitution").WithSummary("A training institution of the admin's region.");
        group.MapPost("/channels", CreateChannelAsync).WithName("CreateChannel").WithSummary("Registers an e-SSC channel (ministry only).")
            .Audited(AuditActions.ChannelCreate, AuditSubjects.RegistryEntry)
            .AlsoAnswers(StatusCodes.Status409Conflict);
        // Channels serve the whole country: every admin may read them (and name them in a batch).
        group.MapGet("/channels/{id}", (string id, IGrainFactory grains) => GetAsync<Channel>(id, grains, "The channel", _ => true))
            .WithName("GetChannel").WithSummary("An e-SSC channel (national: every admin reads every channel).");
        return group;
    }

    private static Task<Results<Created<TrainingProgram>, ValidationProblem, ProblemHttpResult>> CreateProgramAsync(
        ProgramRequest body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var v = new Validation();
        var id = Slug(body.Id, v);
        var name = Text(body.Name, "name", 200, v);
        var region = Region(body.RegionCode, user, v);
        if (body.OccupationCode is { Length: > 20 })
        {
            v.Add("occupationCode", "The occupation code has at most 20 characters.");
        }

        return v.IsValid
            ? CreateAsync(new TrainingProgram(id!, name!, body.OccupationCode, region!), id!, grains, "programs")
            : Task.FromResult<Results<Created<TrainingProgram>, ValidationProblem, ProblemHttpResult>>(v.ToProblem());
    }

    private static Task<Results<Created<Institution>, ValidationProblem, ProblemHttpResult>> CreateInstitutionAsync(
        InstitutionRequest body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var v = new Validation();
        var id = Slug(body.Id, v);
        var name = Text(body.Name, "name", 200, v);
        var address = Text(body.Address, "address", 300, v);
        var region = Region(body.RegionCode, user, v);
        v.AddAll(Geo.Validate(body.Latitude, body.Longitude));
        if (!CheckInRules.IsValidRadius(body.RadiusMeters))
        {
            v.Add("radiusMeters", $"The check-in radius is required, between {CheckInRules.MinRadiusMeters} and {CheckInRules.MaxRadiusMeters} metres.");
        }

        return v.IsValid
            ? CreateAsync(new Institution(id!, name!, region!, address!, body.Latitude!.Value, body.Longitude!.Value, body.RadiusMeters!.Value), id!, grains, "institutions")
            : Task.FromResult<Results<Created<Institution>, ValidationProblem, ProblemHttpResult>>(v.ToProblem());
    }

    private static Task<Results<Created<Channel>, ValidationProblem, ProblemHttpResult>> CreateChannelAsync(
        ChannelRequest body, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (user.ScopeOf().Length != 0)
        {
            return Task.FromResult<Results<Created<Channel>, ValidationProblem, ProblemHttpResult>>(
                ProblemTypes.OutOfScope("Channels serve the whole country; only the ministry registers them."));
        }

        var v = new Validation();
        var id = Slug(body.Id, v);
        var name = Text(body.Name, "name", 200, v);
        return v.IsValid
            ? CreateAsync(new Channel(id!, name!), id!, grains, "channels")
            : Task.FromResult<Results<Created<Channel>, ValidationProblem, ProblemHttpResult>>(v.ToProblem());
    }

    private static async Task<Results<Created<T>, ValidationProblem, ProblemHttpResult>> CreateAsync<T>(T entry, string id, IGrainFactory grains, string path)
        where T : class =>
        await grains.Grain<IRegistryGrain<T>>(id).CreateAsync(entry)
            ? TypedResults.Created($"/api/v1/admin/{path}/{id}", entry)
            : ProblemTypes.ConflictProblem($"An entry with id '{id}' exists already.");

    /// <summary>The entry, or 404 when there is none or the admin may not see it (so ids do not leak across regions).</summary>
    private static async Task<Results<Ok<T>, ProblemHttpResult>> GetAsync<T>(string id, IGrainFactory grains, string what, Func<T, bool> visible)
        where T : class
    {
        var entry = Identifiers.IsValidSlug(id) ? await grains.Grain<IRegistryGrain<T>>(id).GetAsync() : null;
        return entry is not null && visible(entry) ? TypedResults.Ok(entry) : ProblemTypes.NotFoundProblem(what);
    }

    private static string? Slug(string? id, Validation v)
    {
        if (!Identifiers.IsValidSlug(id))
        {
            v.Add("id", "The id is required: 2 to 64 lower-case letters, digits and hyphens.");
            return null;
        }

        return id;
    }

    private static string? Text(string? value, string field, int max, Validation v)
    {
        var text = DisplayText.Check(value, max, out var error);
        if (text is null)
        {
            v.Add(field, error!);
        }

        return text;
    }

    private static string? Region(string? regionCode, ClaimsPrincipal user, Validation v)
    {
        var region = regionCode ?? user.ScopeOf();
        if (region.Length > 0 && !Identifiers.IsValidRegionPrefix(region))
        {
            v.Add("regionCode", "The region code must be 2, 4 or 6 digits.");
            return null;
        }

        if (!user.CanAdminister(region))
        {
            v.Add("regionCode", "The region must lie within your own region.");
            return null;
        }

        return region;
    }
}
