using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Vouchers.Domain;
using Vouchers.Gateway.Records;
using Vouchers.Gateway.Security;
using Vouchers.Http.Contracts;
using Vouchers.Http.Problems;

namespace Vouchers.Gateway.Endpoints;

/// <summary>An institution's verification records (验券记录): its verifications and uses, newest first, as pages or CSV.</summary>
public static class VerificationRecordEndpoints
{
    /// <summary>The most rows one CSV export holds (the newest ones); narrow the period for older records.</summary>
    public const int MaxCsvRows = 100_000;

    /// <summary>Maps the record routes onto the institution group (its authorization applies).</summary>
    public static RouteGroupBuilder MapVerificationRecordEndpoints(this RouteGroupBuilder institution)
    {
        institution.MapGet("/verification-records", ListAsync)
            .WithName("ListVerificationRecords")
            .WithSummary("This institution's verifications and uses, newest first, a page at a time (filters: from, to, result, kind).");
        institution.MapGet("/verification-records.csv", Export)
            .WithName("ExportVerificationRecords")
            .WithSummary("The same records as CSV (UTF-8 with BOM, at most 100,000 rows, newest first).")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
        return institution;
    }

    private static async Task<Results<Ok<VerificationRecordsResponse>, ValidationProblem>> ListAsync(
        string? from, string? to, string? result, string? kind, string? cursor, string? limit, ClaimsPrincipal user, IGrainFactory grains)
    {
        var v = new Validation();
        if (RecordQueryInput.Page(from, to, result, kind, cursor, limit, v) is not { } query)
        {
            return v.ToProblem();
        }

        var page = await grains.GetGrain<IVerificationRecordsGrain>(0).QueryAsync(user.ScopeOf(), query);
        return TypedResults.Ok(new VerificationRecordsResponse(
            [.. page.Records.Select(VerificationRecordView.From)],
            page.Next is { } next ? RecordQueryInput.EncodeCursor(next) : null));
    }

    private static Results<PushStreamHttpResult, ValidationProblem> Export(
        string? from, string? to, string? result, string? kind, ClaimsPrincipal user, IGrainFactory grains, TimeProvider time, CancellationToken aborted)
    {
        var v = new Validation();
        if (RecordQueryInput.Filters(from, to, result, kind, v) is not { } filters)
        {
            return v.ToProblem();
        }

        var institution = user.ScopeOf();
        var records = grains.GetGrain<IVerificationRecordsGrain>(0);
        var fileName = $"verification-records-{institution}-{ChinaTime.Today(time):yyyyMMdd}.csv";
        return TypedResults.Stream(
            stream => RecordCsv.WriteAsync(stream, records, institution, filters, MaxCsvRows, aborted),
            "text/csv; charset=utf-8",
            fileName);
    }
}
