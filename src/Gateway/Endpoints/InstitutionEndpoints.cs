using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Gateway.Audit;
using Vouchers.Gateway.Records;
using Vouchers.Gateway.OpenApi;
using Vouchers.Gateway.Security;
using Vouchers.Http.Contracts;
using Vouchers.Http.Problems;
using Vouchers.Http.Results;

namespace Vouchers.Gateway.Endpoints;

/// <summary>
/// What training institutions do: verify codes from scan guns, enrol holders, apply for subsidies, read their
/// verification records. Verifications and uses land in the records, with the API key as the clerk and the
/// optional <c>X-Device-Id</c> header as the device.
/// </summary>
public static class InstitutionEndpoints
{
    public static RouteGroupBuilder MapInstitutionEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/institution")
            .WithTags("Institution")
            .RequireAuthorization(CallerClaims.PolicyFor(PrincipalRole.Institution));

        group.MapPost("/verifications", VerifyAsync)
            .WithName("Verify").WithSummary("Whether a scanned code is valid here, or why not. Changes nothing.")
            .ReadsDeviceId();
        group.MapPost("/vouchers/{code}/use", UseAsync)
            .WithName("UseVoucher").WithSummary("Enrols the holder (offline use): binds the voucher to this institution, once, optionally with course and class.")
            .AlsoAnswers(StatusCodes.Status409Conflict).ReadsDeviceId();
        group.MapPost("/subsidy-applications", SubmitApplicationAsync)
            .WithName("SubmitSubsidyApplication").WithSummary("Applies for the subsidy of vouchers used here.")
            .Audited(AuditActions.SubsidyApply, AuditSubjects.SubsidyApplication)
            .AlsoAnswers(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict).Replays();
        group.MapGet("/subsidy-applications/{id}", GetApplicationAsync)
            .WithName("GetOwnSubsidyApplication").WithSummary("One of this institution's subsidy applications.");
        group.MapGet("/me", GetSelfAsync)
            .WithName("GetOwnInstitution").WithSummary("The institution the key acts for: a cheap check of the key (the verification page signs in with it).");
        group.MapVerificationRecordEndpoints();
        return group;
    }

    private static async Task<Results<Ok<VerifyResponse>, ValidationProblem, ProblemHttpResult>> VerifyAsync(
        VerifyRequest body, ClaimsPrincipal user, IGrainFactory grains, FailedLookupGuard guard, VerificationRecorder recorder,
        TimeProvider time, HttpRequest request, HttpResponse response)
    {
        var v = new Validation();
        if (string.IsNullOrWhiteSpace(body.Code) || body.Code.Length > 64)
        {
            v.Add("code", "The code is required (at most 64 characters).");
        }

        var device = DeviceInput.Parse(request, v);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var institution = user.ScopeOf();
        if (guard.Refusal(institution, response) is { } refused)
        {
            return refused;
        }

        var code = VoucherCode.Normalize(body.Code)!;
        VerifyResponse answer;
        if (!VoucherCode.HasCodeShape(code))
        {
            answer = new VerifyResponse(code, false, VerifyVerdict.Malformed, null);
        }
        else if (!VoucherCode.IsWellFormed(code))
        {
            // A wrong check character is answered exactly like a code never issued, so answers reveal nothing a
            // guesser could not compute; the check still spares the lookup.
            answer = new VerifyResponse(code, false, VerifyVerdict.Unknown, null);
        }
        else
        {
            var result = await grains.Grain<IVoucherGrain>(code).VerifyAsync(institution);
            answer = new VerifyResponse(code, result.Valid, result.Verdict, result.Voucher);
        }

        // Queued, never awaited: the answer does not wait for the record (see VerificationRecorder).
        recorder.Record(new VerificationRecord(0, institution, VerificationRecord.Instant(time.GetUtcNow()), RecordKind.Verify,
            Masking.MaskCode(code), answer.Verdict, user.FindFirstValue(ClaimTypes.NameIdentifier), device));

        if (answer.Verdict is VerifyVerdict.Unknown or VerifyVerdict.Malformed)
        {
            await guard.RecordFailureAsync(institution);
        }

        return TypedResults.Ok(answer);
    }

    private static async Task<Results<Ok<VoucherView>, ValidationProblem, ProblemHttpResult>> UseAsync(
        string code, UseRequest? body, ClaimsPrincipal user, IGrainFactory grains, FailedLookupGuard guard,
        HttpRequest request, HttpResponse response)
    {
        var institution = user.ScopeOf();
        if (guard.Refusal(institution, response) is { } refused)
        {
            return refused;
        }

        var v = new Validation();
        var normalized = CodeInput.Parse(code, v, "code");
        var (courseId, classId) = EnrolmentInput.Parse(body?.CourseId, body?.ClassId, v);
        var device = DeviceInput.Parse(request, v);
        if (!v.IsValid)
        {
            if (normalized is null)
            {
                await guard.RecordFailureAsync(institution);
            }

            return v.ToProblem();
        }

        var use = new VoucherUse(institution, UseMode.Offline, user.FindFirstValue(ClaimTypes.NameIdentifier), device, courseId, classId);
        var result = await grains.Grain<IVoucherGrain>(normalized!).UseAsync(use);
        if (result.Status == VoucherCommandStatus.NotFound)
        {
            await guard.RecordFailureAsync(institution);
        }

        return result.Status switch
        {
            VoucherCommandStatus.Done => TypedResults.Ok(result.Voucher!),
            VoucherCommandStatus.NotFound => ProblemTypes.NotFoundProblem("The voucher"),
            _ => CodeInput.Rejected(result),
        };
    }

    private static async Task<Results<Created<SubsidyApplicationView>, ValidationProblem, ProblemHttpResult>> SubmitApplicationAsync(
        SubsidyApplicationRequest body, ClaimsPrincipal user, IGrainFactory grains, HttpResponse response)
    {
        var v = new Validation();
        if (!Identifiers.IsValidSlug(body.BatchId))
        {
            v.Add("batchId", "The batch id is required.");
        }

        if (body.RequestId is not null && !Identifiers.IsValidRequestId(body.RequestId))
        {
            v.Add("requestId", "The request id has 1 to 64 printable characters without spaces.");
        }

        var codes = new List<string>();
        if (body.Codes is not { Length: > 0 and <= SubsidyApplicationLimits.MaxCodes })
        {
            v.Add("codes", $"List 1 to {SubsidyApplicationLimits.MaxCodes} voucher codes.");
        }
        else
        {
            for (var i = 0; i < body.Codes.Length; i++)
            {
                if (CodeInput.Parse(body.Codes[i], v, $"codes[{i}]") is { } code)
                {
                    codes.Add(code);
                }
            }
        }

        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var batch = await grains.Grain<IBatchGrain>(body.BatchId!).GetAsync();
        if (batch is null)
        {
            return ProblemTypes.NotFoundProblem("The batch");
        }

        var id = body.RequestId is null ? Identifiers.NewId("sa") : ApplicationIdFor(user.ScopeOf(), body.RequestId);
        var result = await grains.Grain<ISubsidyApplicationGrain>(id)
            .SubmitAsync(user.ScopeOf(), batch.Id, batch.Definition.RegionCode, [.. codes.Distinct(StringComparer.Ordinal)]);
        if (result.Status == SubsidyCommandStatus.Invalid)
        {
            return Validation.Single(result.Field ?? "codes", result.Detail ?? "The codes are not valid.");
        }

        if (result.Status == SubsidyCommandStatus.AlreadyExists)
        {
            IdempotentReplay.Mark(response); // the same requestId again: the first application, unchanged
        }

        return TypedResults.Created($"/api/v1/institution/subsidy-applications/{id}", result.Application!);
    }

    /// <summary>The same institution and request id always name the same application.</summary>
    private static string ApplicationIdFor(string institutionId, string requestId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(institutionId + "\n" + requestId));
        return "sa-" + Convert.ToHexStringLower(hash.AsSpan(0, 10));
    }

    private static async Task<Results<Ok<SubsidyApplicationView>, ProblemHttpResult>> GetApplicationAsync(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        var application = Identifiers.IsValidSlug(id) ? await grains.Grain<ISubsidyApplicationGrain>(id).GetAsync() : null;
        return application is not null && application.InstitutionId == user.ScopeOf()
            ? TypedResults.Ok(application)
            : ProblemTypes.NotFoundProblem("The subsidy application");
    }

    private static async Task<Ok<InstitutionIdentity>> GetSelfAsync(ClaimsPrincipal user, IGrainFactory grains)
    {
        var id = user.ScopeOf();
        var institution = await grains.Grain<IRegistryGrain<Institution>>(id).GetAsync();
        return TypedResults.Ok(new InstitutionIdentity(
            id, institution?.Name ?? user.FindFirstValue(ClaimTypes.Name) ?? id, user.FindFirstValue(ClaimTypes.NameIdentifier) ?? ""));
    }
}
