using Vouchers.Contracts;

namespace Vouchers.Http.Contracts;

/// <summary>
/// Counts of one group: claims (and those still holding stock after returns), expiries (claims neither used nor
/// returned within their validity), uses, check-ins, the subsidy steps and redemptions, with the subsidy committed by
/// claims neither returned nor expired and disbursed by redemptions, in yuan. <see cref="Name"/> names a region
/// group's division (grouped by province, city or county; null otherwise and for a code without a known name).
/// </summary>
public sealed record StatisticsRowView(
    string Key,
    int Claimed,
    int Returned,
    int Live,
    int Expired,
    int Used,
    int CheckedIn,
    int SubsidyApplied,
    int SubsidyApproved,
    int SubsidyRejected,
    int Redeemed,
    decimal FundsCommitted,
    decimal FundsDisbursed,
    string? Name = null)
{
    public static StatisticsRowView From(string key, StatisticsCounts c, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(key, c.Claimed, c.Returned, c.Live, c.Expired, c.Used, c.CheckedIn, c.SubsidyApplied, c.SubsidyApproved, c.SubsidyRejected,
            c.Redeemed, c.FundsCommitted, c.FundsDisbursed, name);
    }
}

/// <summary>A batch in the admin's scope: what it is, its stock, and its counts (all of its changes, whatever the filters on people).</summary>
public sealed record BatchStatisticsView(
    string BatchId,
    string Title,
    string ProgramId,
    string RegionCode,
    string FundingSource,
    BatchStatus Status,
    int Quantity,
    int Remaining,
    decimal SubsidyAmount,
    StatisticsRowView Counts)
{
    public static BatchStatisticsView From(BatchStatistics b)
    {
        ArgumentNullException.ThrowIfNull(b);
        var f = b.Facts;
        return new(b.BatchId, f.Title, f.ProgramId, f.RegionCode, f.FundingSource, f.Status, f.Quantity, b.Remaining, f.SubsidyAmount,
            StatisticsRowView.From(b.BatchId, b.Counts));
    }
}

/// <summary>
/// Statistics of the admin's region: the rows grouped by <see cref="GroupBy"/> (ordered by key), their total, and the
/// batches in scope with their stock. Counted from the event stream, so a change shows here within about a second.
/// </summary>
public sealed record StatisticsResponse(
    string GroupBy,
    StatisticsRowView Total,
    IReadOnlyList<StatisticsRowView> Rows,
    IReadOnlyList<BatchStatisticsView> Batches);
