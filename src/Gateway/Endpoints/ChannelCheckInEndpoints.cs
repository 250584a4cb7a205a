using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Gateway.OpenApi;
using Vouchers.Gateway.Security;
using Vouchers.Http.Contracts;
using Vouchers.Http.Persons;
using Vouchers.Http.Problems;

namespace Vouchers.Gateway.Endpoints;

/// <summary>
/// Training check-in (签到), the channel's side: a person checks in through their channel, once per session, inside
/// the session's window and the institution's radius, with the voucher they are enrolled with there.
/// </summary>
public static class ChannelCheckInEndpoints
{
    public static RouteGroupBuilder MapChannelCheckInEndpoints(this IEndpointRouteBuilder routes)
    {
        var channel = routes.MapGroup("/api/v1/channel")
            .WithTags("Channel: check-in")
            .RequireAuthorization(CallerClaims.PolicyFor(PrincipalRole.Channel));

        channel.MapPost("/check-ins", CheckInAsync)
            .WithName("CheckIn").WithSummary("Checks a person in to a class session from their phone's position (once per session).")
            .AlsoAnswers(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
        return channel;
    }

    private static async Task<Results<Created<CheckInResponse>, Ok<CheckInResponse>, ValidationProblem, ProblemHttpResult>> CheckInAsync(
        CheckInBody body, ClaimsPrincipal user, IGrainFactory grains, PersonInput person)
    {
        var v = new Validation();
        if (body.RequestId is not null && !Identifiers.IsValidRequestId(body.RequestId))
        {
            v.Add("requestId", "The request id has 1 to 64 printable characters without spaces.");
        }

        if (!Identifiers.IsValidSlug(body.InstitutionId))
        {
            v.Add("institutionId", "The institution id is required.");
        }

        if (!Identifiers.IsValidSlug(body.SessionId))
        {
            v.Add("sessionId", "The session id is required.");
        }

        v.AddAll(Geo.Validate(body.Latitude, body.Longitude));
        if (!CheckInRules.IsValidAccuracy(body.AccuracyMeters))
        {
            v.Add("accuracyMeters", $"The accuracy is metres from 0 to {CheckInRules.MaxAccuracyMeters:0}, or absent.");
        }

        var code = body.VoucherCode is null ? null : CodeInput.Parse(body.VoucherCode, v, "voucherCode");
        if (person.Holder(body.IdNumber, body.Attestation, v) is not { } id)
        {
            return v.ToProblem();
        }

        var institutionId = body.InstitutionId!;
        var personKey = person.Key(id);
        var channel = user.ScopeOf();

        // The wallet as this channel may see it: vouchers of batches that do not enable the channel are not there.
        var wallet = await grains.Grain<IPersonLedgerGrain>(personKey).GetWalletAsync(channel);
        if (code is not null && !wallet.Any(held => held.Code == code))
        {
            return CodeInput.NotHeld();
        }

        var request = new CheckInRequest(personKey, EnrolmentRules.Find(wallet, institutionId, code),
            channel, body.RequestId, body.Attestation!.KnownMethod()!, body.Latitude!.Value, body.Longitude!.Value, body.AccuracyMeters);
        var result = await grains.Grain<IClassSessionGrain>(CheckInKeys.Session(institutionId, body.SessionId!)).CheckInAsync(request);
        if (result.Outcome == CheckInOutcome.AlreadyCheckedIn && !wallet.Any(held => held.Code == result.CheckIn!.VoucherCode))
        {
            // The person checked in before with a voucher this channel may not see: the channel learns nothing of it
            // and is answered as for a person not enrolled through it.
            result = result with { Outcome = CheckInOutcome.NotEnrolled, CheckIn = null };
        }

        return ToHttp(result, code is not null);
    }

    private static Results<Created<CheckInResponse>, Ok<CheckInResponse>, ValidationProblem, ProblemHttpResult> ToHttp(CheckInResult result, bool voucherNamed)
    {
        var session = result.Session;
        return result.Outcome switch
        {
            CheckInOutcome.CheckedIn => TypedResults.Created((string?)null, CheckInResponse.From(result.CheckIn!, alreadyCheckedIn: false)),
            CheckInOutcome.AlreadyCheckedIn => TypedResults.Ok(CheckInResponse.From(result.CheckIn!, alreadyCheckedIn: true)),
            CheckInOutcome.SessionNotFound => ProblemTypes.NotFoundProblem("The class session"),
            CheckInOutcome.NotEnrolled => ProblemTypes.Problem(StatusCodes.Status422UnprocessableEntity, ProblemTypes.NotEnrolled,
                "The person is not enrolled at this institution.",
                voucherNamed
                    ? "The named voucher is not one of the person's vouchers used (enrolled) at this institution."
                    : "The person holds no voucher used (enrolled) at this institution; the institution enrols the holder by using the voucher first."),
            CheckInOutcome.TooEarly or CheckInOutcome.TooLate => ProblemTypes.Problem(StatusCodes.Status422UnprocessableEntity, ProblemTypes.OutsideSessionWindow,
                result.Outcome == CheckInOutcome.TooEarly ? "Check-in to this session has not opened yet." : "This session has ended.",
                $"Check-in is open from {Iso(session!.CheckInOpensAt)} ({CheckInRules.EarlyAllowance.TotalMinutes:0} minutes before the start) until the end, {Iso(session.EndsAt)}.",
                new Dictionary<string, object?> { ["checkInOpensAt"] = session.CheckInOpensAt, ["endsAt"] = session.EndsAt }),
            CheckInOutcome.OutsideRadius => ProblemTypes.Problem(StatusCodes.Status422UnprocessableEntity, ProblemTypes.OutsideCheckInRadius,
                "The position is outside the institution's check-in radius.",
                string.Create(CultureInfo.InvariantCulture, $"The position is {result.DistanceMeters:0.0} m from the institution; the radius is {result.RadiusMeters} m."),
                new Dictionary<string, object?> { ["distanceMeters"] = result.DistanceMeters, ["radiusMeters"] = result.RadiusMeters }),
            CheckInOutcome.SessionFull => ProblemTypes.Problem(StatusCodes.Status409Conflict, ProblemTypes.SessionFull,
                "The session holds the most check-ins it may.", $"A session takes at most {CheckInRules.MaxCheckInsPerSession} check-ins."),
            _ => throw new InvalidOperationException($"Unexpected check-in outcome {result.Outcome}."),
        };
    }

    private static string Iso(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);
}
