using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using QRCoder;
using Vouchers.Claims;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Gateway.Limits;
using Vouchers.Gateway.Security;
using Vouchers.Http.Contracts;
using Vouchers.Http.Persons;
using Vouchers.Http.Problems;
using Vouchers.Http.Results;

namespace Vouchers.Gateway.Endpoints;

/// <summary>What e-SSC channels do for the people they serve: find, claim, hold, return and (online) use vouchers.</summary>
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
            .RequireRateLimiting(OverloadOptions.ClaimPolicy);
        group.MapPost("/wallet", WalletAsync)
            .WithName("Wallet").WithSummary("A person's vouchers with their current status (the ID number goes in the body).");
        group.MapPost("/vouchers/{code}/return", ReturnAsync)
            .WithName("ReturnVoucher").WithSummary("Returns an unused voucher; its stock goes back to the batch.");
        group.MapPost("/vouchers/{code}/use", UseOnlineAsync)
            .WithName("UseVoucherOnline").WithSummary("Online training: deducts the person's voucher for an institution (the channel checked the person).");
        group.MapGet("/vouchers/{code}/qr", QrAsync)
            .WithName("VoucherQr").WithSummary("The voucher's code as a QR code (PNG) for a scan gun.")
            .Produces(StatusCodes.Status200OK, contentType: "image/png");
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

    private static async Task<Results<Ok<WalletResponse>, ValidationProblem>> WalletAsync(WalletRequest body, IGrainFactory grains, PersonInput person)
    {
        var v = new Validation();
        var id = person.IdNumber(body.IdNumber, v);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var vouchers = await grains.Grain<IPersonLedgerGrain>(person.Key(id!)).GetWalletAsync();
        return TypedResults.Ok(new WalletResponse(id!.Masked, vouchers));
    }

    private static async Task<Results<Ok<VoucherView>, ValidationProblem, ProblemHttpResult>> ReturnAsync(
        string code, ReturnRequest body, IGrainFactory grains, PersonInput person)
    {
        var v = new Validation();
        var normalized = CodeInput.Parse(code, v, "code");
        var id = person.IdNumber(body.IdNumber, v);
        person.Attestation(body.Attestation, v);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        var result = await grains.Grain<IPersonLedgerGrain>(person.Key(id!)).ReturnAsync(normalized!);
        return result.Status switch
        {
            VoucherCommandStatus.Done => TypedResults.Ok(result.Voucher!),
            VoucherCommandStatus.NotFound => ProblemTypes.NotFoundProblem("A voucher with this code held by this person"),
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
        var id = person.IdNumber(body.IdNumber, v);
        person.Attestation(body.Attestation, v);
        if (!Identifiers.IsValidSlug(body.InstitutionId))
        {
            v.Add("institutionId", "The institution id is required.");
        }

        var (courseId, classId) = EnrolmentInput.Parse(body.CourseId, body.ClassId, v);
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        if (await grains.Grain<IRegistryGrain<Institution>>(body.InstitutionId!).GetAsync() is null)
        {
            return Validation.Single("institutionId", $"No institution '{body.InstitutionId}' is registered.");
        }

        var channel = user.ScopeOf();
        var use = new VoucherUse(body.InstitutionId!, UseMode.Online, channel, null, courseId, classId);
        var result = await grains.Grain<IPersonLedgerGrain>(person.Key(id!)).UseAsync(normalized!, use);
        return result.Status switch
        {
            VoucherCommandStatus.Done => TypedResults.Ok(result.Voucher!),
            VoucherCommandStatus.NotFound => ProblemTypes.NotFoundProblem("A voucher with this code held by this person"),
            _ => CodeInput.Rejected(result),
        };
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> QrAsync(string code, IGrainFactory grains)
    {
        var v = new Validation();
        var normalized = CodeInput.Parse(code, v, "code");
        if (!v.IsValid)
        {
            return v.ToProblem();
        }

        if (await grains.Grain<IVoucherGrain>(normalized!).GetAsync() is null)
        {
            return ProblemTypes.NotFoundProblem("The voucher");
        }

        using var data = QRCodeGenerator.GenerateQrCode(normalized!, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(8);
        return TypedResults.File(png, "image/png");
    }
}
