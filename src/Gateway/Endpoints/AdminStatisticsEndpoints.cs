using System.Globalization;
using System.Security.Claims;
using System.Text;
using Vouchers.Gateway.Regions;
using Microsoft.AspNetCore.Http.HttpResults;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Gateway.Records;
using Vouchers.Gateway.Security;
using Vouchers.Http.Contracts;
using Vouchers.Http.Problems;

namespace Vouchers.Gateway.Endpoints;

/// <summary>
/// Statistics of the admin's region (the ministry's: everything), counted from the event stream by the analytics grains:
/// grouped by one dimension, filtered, as JSON or as CSV.
/// </summary>
public static class AdminStatisticsEndpoints
{
    public static RouteGroupBuilder MapAdminStatisticsEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin")
            .WithTags("Admin: statistics")
            .RequireAuthorization(CallerClaims.PolicyFor(PrincipalRole.Admin));
        group.MapGet("/statistics", GetAsync)
            .WithName("GetStatistics")
            .WithSummary("Claims, returns, uses, check-ins, subsidy steps, redemptions and funds of the admin's batches, grouped by groupBy and filtered, with each batch's stock.");
        group.MapGet("/statistics.csv", ExportAsync)
            .WithName("ExportStatistics")
            .WithSummary("The same rows as CSV (UTF-8 with BOM, so Excel shows Chinese headers and names).")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
        return group;
    }

    private static async Task<Results<Ok<StatisticsResponse>, ValidationProblem>> GetAsync(
        string? groupBy, string? region, string? batchId, string? programId, string? fundingSource, string? channelId,
        string? institutionId, string? from, string? to, ClaimsPrincipal user, IGrainFactory grains)
    {
        var v = new Validation();
        if (StatisticsQueryInput.Read(user.ScopeOf(), groupBy, region, batchId, programId, fundingSource, channelId, institutionId, from, to, v) is not { } query)
        {
            return v.ToProblem();
        }

        var answer = await grains.GetGrain<IStatisticsReaderGrain>(0).QueryAsync(query);
        return TypedResults.Ok(new StatisticsResponse(
            StatisticsQueryInput.NameOf(query.GroupBy),
            StatisticsRowView.From("", answer.Rows.Aggregate(StatisticsCounts.Zero, (sum, r) => sum + r.Counts)),
            [.. answer.Rows.Select(r => StatisticsRowView.From(r.Key, r.Counts, RegionName(query.GroupBy, r.Key)))],
            [.. answer.Batches.Select(BatchStatisticsView.From)]));
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem>> ExportAsync(
        string? groupBy, string? region, string? batchId, string? programId, string? fundingSource, string? channelId,
        string? institutionId, string? from, string? to, ClaimsPrincipal user, IGrainFactory grains, TimeProvider time)
    {
        var v = new Validation();
        if (StatisticsQueryInput.Read(user.ScopeOf(), groupBy, region, batchId, programId, fundingSource, channelId, institutionId, from, to, v) is not { } query)
        {
            return v.ToProblem();
        }

        var answer = await grains.GetGrain<IStatisticsReaderGrain>(0).QueryAsync(query);
        var name = StatisticsQueryInput.NameOf(query.GroupBy);
        var regions = IsRegion(query.GroupBy);
        var csv = new StringBuilder();
        csv.Append(Header(name, regions)).Append("\r\n");
        foreach (var row in answer.Rows)
        {
            var c = row.Counts;
            Csv.Field(csv, row.Key);
            if (regions)
            {
                csv.Append(',');
                Csv.Field(csv, RegionName(query.GroupBy, row.Key) ?? "");
            }

            foreach (var count in new[] { c.Claimed, c.Returned, c.Live, c.Expired, c.Used, c.CheckedIn, c.SubsidyApplied, c.SubsidyApproved, c.SubsidyRejected, c.Redeemed })
            {
                csv.Append(',').Append(count.ToString(CultureInfo.InvariantCulture));
            }

            csv.Append(',').Append(c.FundsCommitted.ToString("0.00", CultureInfo.InvariantCulture))
                .Append(',').Append(c.FundsDisbursed.ToString("0.00", CultureInfo.InvariantCulture))
                .Append("\r\n");
        }

        var scope = query.Scope.Length == 0 ? "national" : query.Scope;
        return TypedResults.File(
            [.. Csv.ByteOrderMark, .. Csv.Utf8.GetBytes(csv.ToString())],
            "text/csv; charset=utf-8",
            $"statistics-{scope}-{name}-{ChinaTime.Today(time):yyyyMMdd}.csv");
    }

    private static bool IsRegion(StatisticsDimension dimension) =>
        dimension is StatisticsDimension.Province or StatisticsDimension.City or StatisticsDimension.County;

    /// <summary>The name of a region group's division; null for other groupings.</summary>
    private static string? RegionName(StatisticsDimension dimension, string key) => IsRegion(dimension) ? DivisionNames.Of(key) : null;

    /// <summary>
    /// Chinese column names with the API's in brackets, so the file reads in Excel and maps to the JSON; grouped by
    /// region, the division's name follows its code.
    /// </summary>
    private static string Header(string groupBy, bool regions) =>
        $"分组 ({groupBy}),{(regions ? "名称 (name)," : "")}领取 (claimed),退还 (returned),有效 (live),过期 (expired),使用 (used),签到 (checkedIn),补贴申请 (subsidyApplied)," +
        "补贴通过 (subsidyApproved),补贴驳回 (subsidyRejected),兑付核销 (redeemed),承诺资金 (fundsCommitted),已拨付资金 (fundsDisbursed)";
}
