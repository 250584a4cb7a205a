using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Gateway.Security;
using Vouchers.Http.Contracts;
using Vouchers.Http.Problems;

namespace Vouchers.Gateway.Endpoints;

/// <summary>Issues API keys: admins for their own region and below, institutions of their region; channels by the ministry.</summary>
public static class AdminApiKeyEndpoints
{
    public static RouteGroupBuilder MapAdminApiKeyEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin/api-keys")
            .WithTags("Admin: API keys")
            .RequireAuthorization(CallerClaims.PolicyFor(PrincipalRole.Admin));
        group.MapPost("/", IssueAsync).WithName("IssueApiKey").WithSummary("Issues an API key for an admin, channel or institution; the secret is shown once.");
        return group;
    }

    private static async Task<Results<Created<ApiKeyResponse>, ValidationProblem, ProblemHttpResult>> IssueAsync(
        ApiKeyRequest body, ClaimsPrincipal user, IGrainFactory grains)
    {
        var v = new Validation();
        PrincipalRole? role = body.Role switch
        {
            "admin" => PrincipalRole.Admin,
            "channel" => PrincipalRole.Channel,
            "institution" => PrincipalRole.Institution,
            _ => null,
        };
        if (role is null)
        {
            v.Add("role", "The role must be 'admin', 'channel' or 'institution'.");
        }

        var scope = body.Scope ?? "";
        var name = body.DisplayName?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            v.Add("displayName", "The display name is required, at most 200 characters.");
        }

        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        switch (role)
        {
            case PrincipalRole.Admin:
                if (scope.Length > 0 && !Identifiers.IsValidRegionPrefix(scope))
                {
                    return Validation.Single("scope", "An admin's scope is a region prefix of 2, 4 or 6 digits (empty for the ministry).");
                }

                if (!user.CanAdminister(scope))
                {
                    return ProblemTypes.OutOfScope("An admin can only issue keys for its own region or regions within it.");
                }

                break;
            case PrincipalRole.Channel:
                if (user.ScopeOf().Length != 0)
                {
                    return ProblemTypes.OutOfScope("Only the ministry issues channel keys.");
                }

                if (!Identifiers.IsValidSlug(scope) || await grains.Grain<IRegistryGrain<Channel>>(scope).GetAsync() is null)
                {
                    return Validation.Single("scope", "The scope must be the id of a registered channel.");
                }

                break;
            case PrincipalRole.Institution:
                var institution = Identifiers.IsValidSlug(scope) ? await grains.Grain<IRegistryGrain<Institution>>(scope).GetAsync() : null;
                if (institution is null)
                {
                    return Validation.Single("scope", "The scope must be the id of a registered institution.");
                }

                if (!user.CanAdminister(institution.RegionCode))
                {
                    return ProblemTypes.OutOfScope("The institution lies outside your region.");
                }

                break;
        }

        var keyId = Identifiers.NewId("k");
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        var principal = new Principal(keyId, role!.Value, scope, name!, ApiKeys.HashSecret(secret));
        if (!await grains.Grain<IRegistryGrain<Principal>>(keyId).CreateAsync(principal))
        {
            return ProblemTypes.ConflictProblem("A key with this id exists already; try again.");
        }

        return TypedResults.Created((string?)null, new ApiKeyResponse(keyId, $"{keyId}.{secret}", body.Role!, scope, name!));
    }
}
