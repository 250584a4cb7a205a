using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Gateway.Audit;
using Vouchers.Gateway.OpenApi;
using Vouchers.Gateway.Security;
using Vouchers.Http.Contracts;
using Vouchers.Http.Problems;

namespace Vouchers.Gateway.Endpoints;

/// <summary>
/// The lifecycle of keys: issue (admins for their own region and below, institutions of their region; channel keys
/// and channels' request-signing keys by the ministry), list, revoke and rotate, within the admin's region
/// (<see cref="KeyAccess"/>). Every change goes through the key directory.
/// </summary>
public static class AdminApiKeyEndpoints
{
    public static RouteGroupBuilder MapAdminApiKeyEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin/api-keys")
            .WithTags("Admin: API keys")
            .RequireAuthorization(CallerClaims.PolicyFor(PrincipalRole.Admin));
        group.MapPost("/", IssueAsync).WithName("IssueApiKey")
            .WithSummary("Issues an API key (admin, channel, institution) or a channel's request-signing key; the secret is shown once.")
            .Audited(AuditActions.KeyIssue, AuditSubjects.Key)
            .AlsoAnswers(StatusCodes.Status409Conflict);
        group.MapGet("/", ListAsync).WithName("ListApiKeys")
            .WithSummary("The keys of the admin's region (filters: role, scope, kind, active); never a secret.");
        group.MapPost("/{keyId}/revoke", RevokeAsync).WithName("RevokeApiKey")
            .WithSummary("Revokes a key: every gateway refuses it within seconds. Safe to repeat.")
            .Audited(AuditActions.KeyRevoke, AuditSubjects.Key);
        group.MapPost("/{keyId}/rotate", RotateAsync).WithName("RotateApiKey")
            .WithSummary("Issues a new key of the same role, scope and kind; the old one expires after a grace period (24 h by default).")
            .Audited(AuditActions.KeyRotate, AuditSubjects.Key)
            .AlsoAnswers(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<Results<Created<ApiKeyResponse>, ValidationProblem, ProblemHttpResult>> IssueAsync(
        ApiKeyRequest body, ClaimsPrincipal user, IGrainFactory grains, SigningKeys signingKeys, TimeProvider time)
    {
        var v = new Validation();
        var role = ParseRole(body.Role);
        if (role is null)
        {
            v.Add("role", "The role must be 'admin', 'channel' or 'institution'.");
        }

        var kind = body.Kind is null ? CredentialKind.ApiKey : ParseKind(body.Kind);
        if (kind is null)
        {
            v.Add("kind", "The kind must be 'apiKey' or 'signingKey'.");
        }
        else if (kind == CredentialKind.SigningKey && role is not null and not PrincipalRole.Channel)
        {
            v.Add("kind", "Only channels sign requests: a signing key has the role 'channel'.");
        }

        var scope = body.Scope ?? "";
        var name = DisplayText.Check(body.DisplayName, 200, out var nameError);
        if (name is null)
        {
            v.Add("displayName", nameError!);
        }

        if (KeyRules.ExpiryProblem(body.ExpiresAt, time.GetUtcNow()) is { } expiry)
        {
            v.Add("expiresAt", expiry);
        }

        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        string region;
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

                region = scope;
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

                region = "";
                break;
            default:
                var institution = Identifiers.IsValidSlug(scope) ? await grains.Grain<IRegistryGrain<Institution>>(scope).GetAsync() : null;
                if (institution is null)
                {
                    return Validation.Single("scope", "The scope must be the id of a registered institution.");
                }

                if (!user.CanAdminister(institution.RegionCode))
                {
                    return ProblemTypes.OutOfScope("The institution lies outside your region.");
                }

                region = institution.RegionCode;
                break;
        }

        var credential = NewCredential(kind!.Value, role!.Value, scope, name!, user, body.ExpiresAt, signingKeys);
        var result = await Directory(grains).IssueAsync(credential.Principal, region);
        return result.Status switch
        {
            KeyCommandStatus.Done => TypedResults.Created((string?)null, credential.Answer(result.Key!)),
            KeyCommandStatus.Invalid => Validation.Single(result.Field ?? "body", result.Detail ?? "The key is not valid."),
            KeyCommandStatus.TooManySigningKeys => ProblemTypes.ConflictProblem("The channel holds the most active signing keys it may.", result.Detail),
            _ => ProblemTypes.ConflictProblem("The key could not be issued; try again.", result.Detail),
        };
    }

    private static async Task<Results<Ok<KeyView[]>, ValidationProblem>> ListAsync(
        string? role, string? scope, string? kind, string? active, ClaimsPrincipal user, IGrainFactory grains, TimeProvider time)
    {
        var v = new Validation();
        var wantedRole = role is null ? null : ParseRole(role);
        if (role is not null && wantedRole is null)
        {
            v.Add("role", "The role is 'admin', 'channel' or 'institution'.");
        }

        var wantedKind = kind is null ? null : ParseKind(kind);
        if (kind is not null && wantedKind is null)
        {
            v.Add("kind", "The kind is 'apiKey' or 'signingKey'.");
        }

        bool? wantedActive = active switch
        {
            null => null,
            "true" => true,
            "false" => false,
            _ => null,
        };
        if (active is not null && wantedActive is null)
        {
            v.Add("active", "Active is 'true' or 'false'.");
        }

        if (scope is not null && scope.Length > 0 && !Identifiers.IsValidRegionPrefix(scope) && !Identifiers.IsValidSlug(scope))
        {
            v.Add("scope", "The scope is a region prefix (2, 4 or 6 digits), a channel or institution id, or empty for the ministry.");
        }

        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var now = time.GetUtcNow();
        var keys = await Directory(grains).ListAsync();
        return TypedResults.Ok(keys
            .Where(k => user.CanSee(k)
                && (wantedRole is null || k.Role == wantedRole)
                && (scope is null || k.Scope == scope)
                && (wantedKind is null || k.Kind == wantedKind)
                && (wantedActive is null || k.IsActiveAt(now) == wantedActive))
            .Select(k => KeyView.From(k, now))
            .ToArray());
    }

    private static async Task<Results<Ok<KeyView>, ProblemHttpResult>> RevokeAsync(
        string keyId, ClaimsPrincipal user, IGrainFactory grains, CallerCache callers, TimeProvider time)
    {
        if (await FindAsync(keyId, user, grains) is not { } key)
        {
            return ProblemTypes.NotFoundProblem("The key");
        }

        if (!user.CanManage(key))
        {
            return ProblemTypes.OutOfScope("The key belongs to an admin of your own level: an admin above you revokes it.");
        }

        var result = await Directory(grains).RevokeAsync(keyId, Me(user));
        callers.Forget(keyId);
        return result.Status == KeyCommandStatus.Done
            ? TypedResults.Ok(KeyView.From(result.Key!, time.GetUtcNow()))
            : ProblemTypes.NotFoundProblem("The key");
    }

    private static async Task<Results<Created<RotatedKeyResponse>, ValidationProblem, ProblemHttpResult>> RotateAsync(
        string keyId, RotateKeyRequest? body, ClaimsPrincipal user, IGrainFactory grains, SigningKeys signingKeys, CallerCache callers,
        TimeProvider time)
    {
        var v = new Validation();
        var grace = body?.GraceHours ?? KeyRules.DefaultGraceHours;
        if (grace is < 0 or > KeyRules.MaxGraceHours)
        {
            v.Add("graceHours", $"The grace is 0 (the old key stops at once) to {KeyRules.MaxGraceHours} hours.");
        }

        if (KeyRules.ExpiryProblem(body?.ExpiresAt, time.GetUtcNow()) is { } expiry)
        {
            v.Add("expiresAt", expiry);
        }

        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        if (await FindAsync(keyId, user, grains) is not { } key)
        {
            return ProblemTypes.NotFoundProblem("The key");
        }

        if (!user.CanManage(key))
        {
            return ProblemTypes.OutOfScope("The key belongs to an admin of your own level: an admin above you rotates it.");
        }

        var credential = NewCredential(key.Kind, key.Role, key.Scope, key.DisplayName, user, body?.ExpiresAt, signingKeys);
        var result = await Directory(grains).RotateAsync(keyId, credential.Principal, TimeSpan.FromHours(grace));
        callers.Forget(keyId);
        return result.Status switch
        {
            KeyCommandStatus.Done => TypedResults.Created((string?)null,
                new RotatedKeyResponse(credential.Answer(result.Replacement!), KeyView.From(result.Key!, time.GetUtcNow()))),
            KeyCommandStatus.NotFound => ProblemTypes.NotFoundProblem("The key"),
            KeyCommandStatus.Invalid => Validation.Single(result.Field ?? "body", result.Detail ?? "The rotation is not valid."),
            KeyCommandStatus.TooManySigningKeys => ProblemTypes.ConflictProblem("The channel holds the most active signing keys it may.", result.Detail),
            KeyCommandStatus.NotActive => ProblemTypes.ConflictProblem("The key is no longer active.", result.Detail),
            _ => ProblemTypes.ConflictProblem("The key was rotated already.", result.Detail),
        };
    }

    /// <summary>The key if it exists and lies within the admin's region; otherwise null (404, so key ids do not leak across regions).</summary>
    private static async Task<KeyEntry?> FindAsync(string keyId, ClaimsPrincipal user, IGrainFactory grains) =>
        Identifiers.IsValidSlug(keyId) && await Directory(grains).GetAsync(keyId) is { } key && user.CanSee(key) ? key : null;

    /// <summary>A new principal and the secret to show once: an API key's random secret, or a signing key's derived one.</summary>
    private static NewKey NewCredential(
        CredentialKind kind, PrincipalRole role, string scope, string name, ClaimsPrincipal user, DateTimeOffset? expiresAt, SigningKeys signingKeys)
    {
        if (kind == CredentialKind.SigningKey)
        {
            var signingKeyId = Identifiers.NewId("sk");
            var signing = new Principal(signingKeyId, role, scope, name, "") { Kind = kind, IssuedBy = Me(user), ExpiresAt = expiresAt };
            return new NewKey(signing, null, signingKeys.SecretFor(signingKeyId));
        }

        var keyId = Identifiers.NewId("k");
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        var principal = new Principal(keyId, role, scope, name, ApiKeys.HashSecret(secret)) { Kind = kind, IssuedBy = Me(user), ExpiresAt = expiresAt };
        return new NewKey(principal, $"{keyId}.{secret}", null);
    }

    private static IKeyDirectoryGrain Directory(IGrainFactory grains) => grains.Grain<IKeyDirectoryGrain>(KeyDirectory.Key);

    private static string Me(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The caller has no key id.");

    private static PrincipalRole? ParseRole(string? role) => role switch
    {
        "admin" => PrincipalRole.Admin,
        "channel" => PrincipalRole.Channel,
        "institution" => PrincipalRole.Institution,
        _ => null,
    };

    private static CredentialKind? ParseKind(string? kind) => kind switch
    {
        "apiKey" => CredentialKind.ApiKey,
        "signingKey" => CredentialKind.SigningKey,
        _ => null,
    };

    private static string RoleName(PrincipalRole role) => role switch
    {
        PrincipalRole.Admin => "admin",
        PrincipalRole.Channel => "channel",
        _ => "institution",
    };

    /// <summary>A key about to be issued and the secret that only its answer shows.</summary>
    private sealed record NewKey(Principal Principal, string? ApiKey, string? SigningSecret)
    {
        public ApiKeyResponse Answer(KeyEntry issued) => new(issued.KeyId, ApiKey, RoleName(issued.Role), issued.Scope, issued.DisplayName)
        {
            SigningSecret = SigningSecret,
            Kind = issued.Kind,
            IssuedBy = issued.IssuedBy,
            IssuedAt = issued.IssuedAt,
            ExpiresAt = issued.ExpiresAt,
        };
    }
}
