using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using QRCoder;
using Vouchers.Claims;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Gateway.Limits;
using Vouchers.Gateway.OpenApi;
using Vouchers.Gateway.Security;
using Vouchers.Http.Contracts;
using Vouchers.Http.Persons;
using Vouchers.Http.Problems;
using Vouchers.Http.Results;

namespace Vouchers.Gateway.Endpoints;

/// <summary>
/// What e-SSC channels do for the people they serve: find, claim, hold, return and (online) use vouchers. After the
/// claim a channel acts only for the holder, whom it checked in the same request (ID number and a fresh attestation),
/// and only on vouchers of batches that enable it (<see cref="ChannelAccess"/>); any other voucher answers as one that
/// does not exist.
/// </summary>
public static class ChannelEndpoints
{
    public static RouteGroupBuilder MapChannelEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/channel")
            .WithTags("Channel")
            .RequireAuthorization(CallerClaims.PolicyFor(PrincipalRole.Channel));

        group.MapGet("/batches", ListClaimableAsync)
            .WithName("ListClaimableBatches").WithSummary("Batches this channel can offer right now.");
        group.MapPost("/claims", ClaimAsync)
            .WithName("Claim").WithSummary("Claims a voucher of a batch for a person (idempotent per requestId).")
            .RequireRateLimiting(OverloadOptions.ClaimPolicy)
            .AlsoAnswers(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity).Replays();
        group.MapPost("/wallet", WalletAsync)
            .WithName("Wallet").WithSummary("A person's vouchers with their current status (the ID number goes in the body).");
        group.MapPost("/vouchers/{code}/return", ReturnAsync)
            .WithName("ReturnVoucher").WithSummary("Returns an unused voucher; its stock goes back to the batch.")
            .AlsoAnswers(StatusCodes.Status409Conflict);
        group.MapPost("/vouchers/{code}/use", UseOnlineAsync)
            .WithName("UseVoucherOnline").WithSummary("Online training: deducts the person's voucher for an institution (the channel checked the person).")
            .AlsoAnswers(StatusCodes.Status409Conflict);
        group.MapPost("/vouchers/{code}/qr", QrAsync)
            .WithName("VoucherQr").WithSummary("The person's voucher code as a QR code (PNG) for a scan gun (the ID number and attestation go in the body).")
            .Produces<byte[]>(StatusCodes.Status200OK, "image/png");
        return group;
    }

    private static async Task<Ok<ClaimableBatch[]>> ListClaimableAsync(ClaimsPrincipal user, IGrainFactory grains, TimeProvider time)
    {
        var channel = user.ScopeOf();
        var now = time.GetUtcNow();
        var all = await grains.Grain<IBatchCatalogGrain>("all").ListAsync();
        return TypedResults.Ok(all
            .Where(b => ClaimAdmission.IsOffered(b, channel, now))
            .Select(b => new ClaimableBatch(b.Id, b.Title, b.ProgramId, b.RegionCode, b.ClaimOpensAt, b.ClaimClosesAt))
            .ToArray());
    }

    private static async Task<Results<Ok<VoucherView>, ValidationProblem, ProblemHttpResult>> ClaimAsync(
        ClaimBody body, ClaimsPrincipal user, ClaimRouter router, PersonInput person, HttpResponse response)
    {
        var v = new Validation();
        if (body.ToRequest(person, user.ScopeOf(), v) is not { } request)
        {
            return v.ToProblem();
        }

        var result = await router.ClaimAsync(request);
        return ClaimResultMapping.ToHttp(result, response);
    }

    private static async Task<Results<Ok<WalletResponse>, ValidationProblem>> WalletAsync(
        WalletRequest body, ClaimsPrincipal user, IGrainFactory grains, PersonInput person)
    {
        var v = new Validation();
        if (person.Holder(body.IdNumber, body.Attestation, v) is not { } id)
        {
            return v.ToProblem();
        }

        var vouchers = await grains.Grain<IPersonLedgerGrain>(person.Key(id)).GetWalletAsync(user.ScopeOf());
        return TypedResults.Ok(new WalletResponse(id.Masked, vouchers));
    }

    private static async Task<Results<Ok<VoucherView>, ValidationProblem, ProblemHttpResult>> ReturnAsync(
        string code, ReturnRequest body, ClaimsPrincipal user, IGrainFactory grains, PersonInput person)
    {
        var v = new Validation();
        var normalized = CodeInput.Parse(code, v, "code");
        if (person.Holder(body.IdNumber, body.Attestation, v) is not { } id)
        {
            return v.ToProblem();
        }

        var result = await grains.Grain<IPersonLedgerGrain>(person.Key(id)).ReturnAsync(normalized!, user.ScopeOf());
        return result.Status switch
        {
            VoucherCommandStatus.Done => TypedResults.Ok(result.Voucher!),
            VoucherCommandStatus.NotFound => CodeInput.NotHeld(),
            _ => CodeInput.Rejected(result),
        };
    }

    /// <summary>
    /// Online use (线上培训通过电子社保卡身份抵扣): the channel vouches for the person, whose ledger checks the voucher is
    /// theirs; the voucher is then used at the institution as by an offline use, and the use lands in the institution's
    /// records with the channel as the clerk.
    /// </summary>
    private static async Task<Results<Ok<VoucherView>, ValidationProblem, ProblemHttpResult>> UseOnlineAsync(
        string code, OnlineUseRequest body, ClaimsPrincipal user, IGrainFactory grains, PersonInput person)
    {
        var v = new Validation();
        var normalized = CodeInput.Parse(code, v, "code");
        if (!Identifiers.IsValidSlug(body.InstitutionId))
        {
            v.Add("institutionId", "The institution id is required.");
        }

        var (courseId, classId) = EnrolmentInput.Parse(body.CourseId, body.ClassId, v);
        if (person.Holder(body.IdNumber, body.Attestation, v) is not { } id)
        {
            return v.ToProblem();
        }

        if (await grains.Grain<IRegistryGrain<Institution>>(body.InstitutionId!).GetAsync() is null)
        {
            return Validation.Single("institutionId", $"No institution '{body.InstitutionId}' is registered.");
        }

        var channel = user.ScopeOf();
        var use = new VoucherUse(body.InstitutionId!, UseMode.Online, channel, null, courseId, classId);
        var result = await grains.Grain<IPersonLedgerGrain>(person.Key(id)).UseAsync(normalized!, channel, use);
        return result.Status switch
        {
            VoucherCommandStatus.Done => TypedResults.Ok(result.Voucher!),
            VoucherCommandStatus.NotFound => CodeInput.NotHeld(),
            _ => CodeInput.Rejected(result),
        };
    }

    /// <summary>
    /// The QR code of a voucher the person holds, of a batch that enables the channel. Codes that name no such voucher
    /// are counted per channel (<see cref="FailedLookupGuard"/>), so a channel cannot probe codes at speed even with
    /// people's attestations.
    /// </summary>
    private static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> QrAsync(
        string code, QrRequest body, ClaimsPrincipal user, IGrainFactory grains, PersonInput person, FailedLookupGuard guard, HttpResponse response)
    {
        var v = new Validation();
        var normalized = CodeInput.Parse(code, v, "code");
        if (person.Holder(body.IdNumber, body.Attestation, v) is not { } id)
        {
            return v.ToProblem();
        }

        var channel = user.ScopeOf();
        var guardKey = FailedLookupKey(channel);
        if (guard.Refusal(guardKey, response) is { } refused)
        {
            return refused;
        }

        if (await grains.Grain<IVoucherGrain>(normalized!).GetForHolderAsync(new HolderAccess(person.Key(id), channel)) is null)
        {
            await guard.RecordFailureAsync(guardKey);
            return CodeInput.NotHeld();
        }

        using var data = QRCodeGenerator.GenerateQrCode(normalized!, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(8);
        return TypedResults.File(png, "image/png");
    }

    /// <summary>A channel's failed lookups are counted apart from any institution's, whatever their ids.</summary>
    private static string FailedLookupKey(string channelId) => $"channel/{channelId}";
}
