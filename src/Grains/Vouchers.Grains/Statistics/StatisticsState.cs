using Vouchers.Contracts;

namespace Vouchers.Grains.Statistics;

/// <summary>
/// Counts of one kind of change set, with the money they moved. Indexed by <see cref="StatisticsCube"/>'s measures.
/// </summary>
[GenerateSerializer]
public sealed class Tally
{
    public const int Measures = 8;

    [Id(0)] public int[] Counts { get; set; } = new int[Measures];

    /// <summary>Subsidy of claims minus that of returns.</summary>
    [Id(1)] public decimal Committed { get; set; }

    /// <summary>Subsidy of redeemed vouchers.</summary>
    [Id(2)] public decimal Disbursed { get; set; }

    public StatisticsCounts ToCounts() =>
        new(Counts[0], Counts[1], Counts[2], Counts[3], Counts[4], Counts[5], Counts[6], Counts[7], Committed, Disbursed);
}

/// <summary>
/// Persisted state of one stream's statistics: how far they count (<see cref="Cursor"/>, written with the counts, so
/// after a crash counting resumes exactly after what the written counts hold), what each batch is counted under, the
/// counts per batch, China day and every person dimension, and per batch and hour and minute.
/// </summary>
[GenerateSerializer]
public sealed class StatisticsState
{
    [Id(0)] public EventCursor Cursor { get; set; }

    [Id(1)] public Dictionary<string, BatchFacts> Batches { get; set; } = [];

    /// <summary>By <see cref="StatisticsCube.CellKey"/>: batch, day, division code, age band, gender, group, channel, institution.</summary>
    [Id(2)] public Dictionary<string, Tally> Cells { get; set; } = [];

    /// <summary>By batch and hour (Unix seconds of its start).</summary>
    [Id(3)] public Dictionary<string, Tally> Hours { get; set; } = [];

    /// <summary>By batch and minute (Unix seconds of its start), for the last <see cref="StatisticsCube.MinuteRetention"/>.</summary>
    [Id(4)] public Dictionary<string, Tally> Minutes { get; set; } = [];
}
