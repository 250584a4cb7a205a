using System.Collections.Immutable;

namespace Vouchers.Contracts;

/// <summary>What statistics rows are grouped by.</summary>
[GenerateSerializer, Alias("StatisticsDimension")]
public enum StatisticsDimension
{
    /// <summary>One row: the totals.</summary>
    None = 0,
    Batch = 1,
    Program = 2,
    FundingSource = 3,

    /// <summary>The claimant's province (first two digits of the division code).</summary>
    Province = 4,

    /// <summary>The claimant's city (first four digits).</summary>
    City = 5,

    /// <summary>The claimant's county (all six digits).</summary>
    County = 6,
    AgeBand = 7,
    Gender = 8,
    TargetGroup = 9,
    Channel = 10,
    Institution = 11,

    /// <summary>China day of the change.</summary>
    Day = 12,

    /// <summary>Hour of the change (UTC instant of its start); batch filters only.</summary>
    Hour = 13,

    /// <summary>Minute of the change, for the last 48 hours; batch filters only.</summary>
    Minute = 14,
}

/// <summary>
/// Which changes to count and how to group them. Text filters are exact matches, <see cref="RegionPrefix"/> a prefix
/// of the claimant's division code; <see cref="Scope"/> is the asking admin's region (a prefix of the batch's region,
/// "" for the ministry). Days are China days, inclusive.
/// </summary>
[GenerateSerializer, Immutable, Alias("StatisticsQuery")]
public sealed record StatisticsQuery(
    [property: Id(0)] string Scope,
    [property: Id(1)] StatisticsDimension GroupBy = StatisticsDimension.None,
    [property: Id(2)] string? RegionPrefix = null,
    [property: Id(3)] string? BatchId = null,
    [property: Id(4)] string? ProgramId = null,
    [property: Id(5)] string? ChannelId = null,
    [property: Id(6)] string? InstitutionId = null,
    [property: Id(7)] DateOnly? From = null,
    [property: Id(8)] DateOnly? To = null,
    [property: Id(9)] string? FundingSource = null)
{
    /// <summary>Whether the query filters on what only the per-day counts know (the claimant, channel, institution).</summary>
    public bool FiltersPeople => RegionPrefix is not null || ChannelId is not null || InstitutionId is not null;
}

/// <summary>
/// Counts of changes; funds in yuan: committed by claims neither returned nor expired, disbursed by redemptions.
/// </summary>
[GenerateSerializer, Immutable, Alias("StatisticsCounts")]
public sealed record StatisticsCounts(
    [property: Id(0)] int Claimed,
    [property: Id(1)] int Returned,
    [property: Id(10)] int Expired,
    [property: Id(2)] int Used,
    [property: Id(3)] int CheckedIn,
    [property: Id(4)] int SubsidyApplied,
    [property: Id(5)] int SubsidyApproved,
    [property: Id(6)] int SubsidyRejected,
    [property: Id(7)] int Redeemed,
    [property: Id(8)] decimal FundsCommitted,
    [property: Id(9)] decimal FundsDisbursed)
{
    public static StatisticsCounts Zero { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>Claims not returned.</summary>
    public int Live => Claimed - Returned;

    public static StatisticsCounts operator +(StatisticsCounts a, StatisticsCounts b) =>
        new(a.Claimed + b.Claimed, a.Returned + b.Returned, a.Expired + b.Expired, a.Used + b.Used, a.CheckedIn + b.CheckedIn,
            a.SubsidyApplied + b.SubsidyApplied, a.SubsidyApproved + b.SubsidyApproved, a.SubsidyRejected + b.SubsidyRejected,
            a.Redeemed + b.Redeemed, a.FundsCommitted + b.FundsCommitted, a.FundsDisbursed + b.FundsDisbursed);
}

/// <summary>One group of a statistics answer: its key (a batch id, a division code, a day …; "" for none) and counts.</summary>
[GenerateSerializer, Immutable, Alias("StatisticsRow")]
public sealed record StatisticsRow(
    [property: Id(0)] string Key,
    [property: Id(1)] StatisticsCounts Counts);

/// <summary>A batch as statistics see it: what it is counted under and its stock.</summary>
[GenerateSerializer, Immutable, Alias("BatchStatistics")]
public sealed record BatchStatistics(
    [property: Id(0)] string BatchId,
    [property: Id(1)] BatchFacts Facts,
    [property: Id(2)] StatisticsCounts Counts)
{
    /// <summary>Vouchers still to be claimed.</summary>
    public int Remaining => Math.Max(0, Facts.Quantity - Counts.Live);
}

/// <summary>One consumer's part of an answer: its rows and its batches.</summary>
[GenerateSerializer, Immutable, Alias("StatisticsSlice")]
public sealed record StatisticsSlice(
    [property: Id(0)] ImmutableArray<StatisticsRow> Rows,
    [property: Id(1)] ImmutableArray<BatchStatistics> Batches);

/// <summary>Statistics over every stream: the grouped rows (ordered by key) and the batches in scope.</summary>
[GenerateSerializer, Immutable, Alias("StatisticsAnswer")]
public sealed record StatisticsAnswer(
    [property: Id(0)] ImmutableArray<StatisticsRow> Rows,
    [property: Id(1)] ImmutableArray<BatchStatistics> Batches);
