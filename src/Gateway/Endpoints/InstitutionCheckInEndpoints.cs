using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Gateway.Audit;
using Vouchers.Gateway.OpenApi;
using Vouchers.Gateway.Security;
using Vouchers.Http.Contracts;
using Vouchers.Http.Problems;
using Vouchers.Http.Results;

namespace Vouchers.Gateway.Endpoints;

/// <summary>
/// Training check-in (签到), the institution's side: it publishes class sessions and reads who attended them.
/// </summary>
public static class InstitutionCheckInEndpoints
{
    public static RouteGroupBuilder MapInstitutionCheckInEndpoints(this IEndpointRouteBuilder routes)
    {
        var institution = routes.MapGroup("/api/v1/institution")
            .WithTags("Institution: check-in")
            .RequireAuthorization(CallerClaims.PolicyFor(PrincipalRole.Institution));

        institution.MapPost("/class-sessions", PublishSessionAsync)
            .WithName("PublishClassSession").WithSummary("Publishes a class session (idempotent per sessionId).")
            .Audited(AuditActions.SessionPublish, AuditSubjects.ClassSession)
            .AlsoAnswers(StatusCodes.Status409Conflict).Replays();
        institution.MapGet("/class-sessions", ListSessionsAsync)
            .WithName("ListClassSessions").WithSummary("The sessions of one of this institution's classes, in order of their start.");
        institution.MapGet("/class-sessions/{id}", GetSessionAsync)
            .WithName("GetClassSession").WithSummary("One of this institution's class sessions.");
        institution.MapGet("/class-sessions/{id}/attendance", GetSessionAttendanceAsync)
            .WithName("GetClassSessionAttendance").WithSummary("Who checked in to a session (holders masked), when, and how far away.");
        institution.MapGet("/attendance", GetClassAttendanceAsync)
            .WithName("GetClassAttendance").WithSummary("Per voucher, the sessions of a class attended and held.")
            .AlsoAnswers(StatusCodes.Status404NotFound);
        institution.MapGet("/vouchers/{code}/attendance", GetVoucherAttendanceAsync)
            .WithName("GetVoucherAttendance").WithSummary("The attendance of a voucher used here, per class.");
        return institution;
    }

    private static async Task<Results<Created<ClassSessionView>, Ok<ClassSessionView>, ValidationProblem, ProblemHttpResult>> PublishSessionAsync(
        ClassSessionRequest body, ClaimsPrincipal user, IGrainFactory grains, TimeProvider time, HttpResponse response)
    {
        var v = new Validation();
        var sessionId = body.SessionId;
        if (sessionId is not null && !Identifiers.IsValidSlug(sessionId))
        {
            v.Add("sessionId", "The session id has 2 to 64 lower-case letters, digits and hyphens.");
        }

        var starts = v.Required(body.StartsAt, "startsAt");
        var ends = v.Required(body.EndsAt, "endsAt");
        var definition = new ClassSessionDefinition(body.ClassId ?? "", body.CourseId, body.Title?.Trim() ?? "",
            starts ?? default, ends ?? default);
        if (starts is not null && ends is not null)
        {
            v.AddAll(CheckInRules.Validate(definition, time.GetUtcNow()));
        }
        else
        {
            v.AddAll(CheckInRules.Validate(definition, now: null).Where(e => e.Key is not ("startsAt" or "endsAt")).ToDictionary());
        }

        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var institutionId = user.ScopeOf();
        if (await grains.Grain<IRegistryGrain<Institution>>(institutionId).GetAsync() is null)
        {
            return ProblemTypes.ConflictProblem("The institution is not registered.",
                "Check-ins are measured from the institution's registered location and radius; an HR admin registers it first.");
        }

        sessionId ??= Identifiers.NewId("cs");
        var result = await grains.Grain<ITrainingClassGrain>(CheckInKeys.Class(institutionId, definition.ClassId))
            .PublishSessionAsync(sessionId, definition);
        switch (result.Status)
        {
            case SessionPublishStatus.Published:
                return TypedResults.Created($"/api/v1/institution/class-sessions/{sessionId}", result.Session!);
            case SessionPublishStatus.AlreadyPublished:
                IdempotentReplay.Mark(response);
                return TypedResults.Ok(result.Session!);
            case SessionPublishStatus.IdTaken:
                return ProblemTypes.Problem(StatusCodes.Status409Conflict, ProblemTypes.Conflict,
                    "The session id names another session already.", $"Session '{sessionId}' was published with another definition.",
                    new Dictionary<string, object?> { ["session"] = result.Session });
            case SessionPublishStatus.Invalid:
                return Validation.Single(result.Field ?? "body", result.Detail ?? "The session definition is not valid.");
            default:
                return ProblemTypes.ConflictProblem("The class holds the most sessions it may.",
                    $"A class has at most {CheckInRules.MaxSessionsPerClass} sessions; start a new class id.");
        }
    }

    private static async Task<Results<Ok<ClassSessionView[]>, ValidationProblem>> ListSessionsAsync(
        string? classId, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!Identifiers.IsValidSlug(classId))
        {
            return Validation.Single("classId", "The query parameter classId is required: 2 to 64 lower-case letters, digits and hyphens.");
        }

        var sessions = await grains.Grain<ITrainingClassGrain>(CheckInKeys.Class(user.ScopeOf(), classId!)).ListSessionsAsync();
        return TypedResults.Ok(sessions.ToArray());
    }

    private static async Task<Results<Ok<ClassSessionView>, ProblemHttpResult>> GetSessionAsync(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        var session = Identifiers.IsValidSlug(id)
            ? await grains.Grain<IClassSessionGrain>(CheckInKeys.Session(user.ScopeOf(), id)).GetAsync()
            : null;
        return session is null ? ProblemTypes.NotFoundProblem("The class session") : TypedResults.Ok(session);
    }

    private static async Task<Results<Ok<SessionAttendance>, ProblemHttpResult>> GetSessionAttendanceAsync(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        var attendance = Identifiers.IsValidSlug(id)
            ? await grains.Grain<IClassSessionGrain>(CheckInKeys.Session(user.ScopeOf(), id)).GetAttendanceAsync()
            : null;
        return attendance is null ? ProblemTypes.NotFoundProblem("The class session") : TypedResults.Ok(attendance);
    }

    private static async Task<Results<Ok<ClassAttendance>, ValidationProblem, ProblemHttpResult>> GetClassAttendanceAsync(
        string? classId, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!Identifiers.IsValidSlug(classId))
        {
            return Validation.Single("classId", "The query parameter classId is required: 2 to 64 lower-case letters, digits and hyphens.");
        }

        var attendance = await grains.Grain<ITrainingClassGrain>(CheckInKeys.Class(user.ScopeOf(), classId!)).GetAttendanceAsync(null);
        return attendance is null ? ProblemTypes.NotFoundProblem("A class with sessions") : TypedResults.Ok(attendance);
    }

    private static async Task<Results<Ok<VoucherAttendanceResponse>, ValidationProblem, ProblemHttpResult>> GetVoucherAttendanceAsync(
        string code, ClaimsPrincipal user, IGrainFactory grains, FailedLookupGuard guard, HttpResponse response)
    {
        var institutionId = user.ScopeOf();
        if (guard.Refusal(institutionId, response) is { } refused)
        {
            return refused;
        }

        var v = new Validation();
        var normalized = CodeInput.Parse(code, v, "code");
        if (!v.IsValid)
        {
            await guard.RecordFailureAsync(institutionId);
            return v.ToProblem();
        }

        var voucher = await grains.Grain<IVoucherGrain>(normalized!).GetAsync();
        if (voucher is null)
        {
            await guard.RecordFailureAsync(institutionId);
        }

        if (voucher is null || voucher.InstitutionId != institutionId)
        {
            return ProblemTypes.NotFoundProblem("A voucher used at this institution");
        }

        var classIds = await grains.Grain<IVoucherAttendanceGrain>(CheckInKeys.Voucher(institutionId, voucher.Code)).ListClassesAsync();
        var classes = await Task.WhenAll(classIds.Select(async classId =>
            (ClassId: classId, Attendance: await grains.Grain<ITrainingClassGrain>(CheckInKeys.Class(institutionId, classId)).GetAttendanceAsync(voucher.Code))));
        var lines = classes
            .Where(c => c.Attendance is { Vouchers.Length: > 0 })
            .Select(c =>
            {
                var line = c.Attendance!.Vouchers[0];
                return new VoucherClassAttendance(c.ClassId, line.SessionsAttended, line.SessionsHeld, c.Attendance.SessionsPublished,
                    line.FirstCheckInAt, line.LastCheckInAt);
            })
            .OrderBy(l => l.ClassId, StringComparer.Ordinal)
            .ToArray();
        return TypedResults.Ok(new VoucherAttendanceResponse(voucher.Code, voucher.HolderName, voucher.HolderIdNumber, lines));
    }
}
