using Vouchers.Contracts;

namespace Vouchers.Grains.Statistics;

/// <summary>
/// Counts of one kind of change set, with the money they moved. Indexed by <see cref="StatisticsCube"/>'s measures.
/// </summary>
[GenerateSerializer]
public sealed class Tally
{
    public const int Measures = 9;

    /// <summary>By measure; a state written before a measure existed has a shorter array (its counts of it are 0).</summary>
    [Id(0)] public int[] Counts { get; set; } = new int[Measures];

    /// <summary>Subsidy of claims minus that of returns and expiries.</summary>
    [Id(1)] public decimal Committed { get; set; }

    /// <summary>Subsidy of redeemed vouchers.</summary>
    [Id(2)] public decimal Disbursed { get; set; }

    public void Add(int measure)
    {
        if (Counts.Length < Measures)
        {
            var counts = Counts;
            Array.Resize(ref counts, Measures);
            Counts = counts;
        }

        Counts[measure]++;
    }

    public StatisticsCounts ToCounts() =>
        new(Count(0), Count(1), Expired: Count(8), Count(2), Count(3), Count(4), Count(5), Count(6), Count(7), Committed, Disbursed);

    private int Count(int measure) => measure < Counts.Length ? Counts[measure] : 0;
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
