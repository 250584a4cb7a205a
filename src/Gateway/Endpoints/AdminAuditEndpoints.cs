using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Gateway.Audit;
using Vouchers.Gateway.Security;
using Vouchers.Http.Contracts;
using Vouchers.Http.Problems;

namespace Vouchers.Gateway.Endpoints;

/// <summary>The audit trail, read by admins: the records of their region, newest first, as pages or CSV.</summary>
public static class AdminAuditEndpoints
{
    /// <summary>The most rows one CSV export holds (the newest ones); narrow the period for older records.</summary>
    public const int MaxCsvRows = 100_000;

    public static RouteGroupBuilder MapAdminAuditEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin")
            .WithTags("Admin: audit trail")
            .RequireAuthorization(CallerClaims.PolicyFor(PrincipalRole.Admin));
        group.MapGet("/audit", ListAsync)
            .WithName("ListAuditRecords")
            .WithSummary("Changes made in the admin's region, newest first, a page at a time (filters: from, to, actor, action, targetId).");
        group.MapGet("/audit.csv", Export)
            .WithName("ExportAuditRecords")
            .WithSummary("The same records as CSV (UTF-8 with BOM, at most 100,000 rows, newest first).")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
        return group;
    }

    private static async Task<Results<Ok<AuditRecordsResponse>, ValidationProblem>> ListAsync(
        string? from, string? to, string? actor, string? action, string? targetId, string? cursor, string? limit,
        ClaimsPrincipal user, IGrainFactory grains)
    {
        var v = new Validation();
        if (AuditQueryInput.Page(from, to, actor, action, targetId, cursor, limit, v) is not { } query)
        {
            return v.ToProblem();
        }

        var page = await grains.GetGrain<IAuditTrailGrain>(0).QueryAsync(user.ScopeOf(), query);
        return TypedResults.Ok(new AuditRecordsResponse(
            [.. page.Records.Select(AuditRecordView.From)],
            page.Next is { } next ? RecordQueryInput.EncodeCursor(next) : null));
    }

    private static Results<PushStreamHttpResult, ValidationProblem> Export(
        string? from, string? to, string? actor, string? action, string? targetId, ClaimsPrincipal user, IGrainFactory grains,
        TimeProvider time, CancellationToken aborted)
    {
        var v = new Validation();
        if (AuditQueryInput.Filters(from, to, actor, action, targetId, v) is not { } filters)
        {
            return v.ToProblem();
        }

        var region = user.ScopeOf();
        var trail = grains.GetGrain<IAuditTrailGrain>(0);
        var fileName = $"audit-{(region.Length == 0 ? "national" : region)}-{ChinaTime.Today(time):yyyyMMdd}.csv";
        return TypedResults.Stream(
            stream => AuditCsv.WriteAsync(stream, trail, region, filters, MaxCsvRows, aborted),
            "text/csv; charset=utf-8",
            fileName);
    }
}
