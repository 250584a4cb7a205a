using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Vouchers.Contracts;
using Vouchers.Events;
using Vouchers.Grains.Events;

namespace Vouchers.Grains.Statistics;

/// <summary>Asks every stream's statistics and adds them up (a batch's counts live in one stream, but sums are sums).</summary>
[StatelessWorker, Reentrant]
internal sealed class StatisticsReaderGrain(IOptions<EventOptions> options) : Grain, IStatisticsReaderGrain
{
    public async Task<StatisticsAnswer> QueryAsync(StatisticsQuery query)
    {
        var slices = await Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Value.Streams))
            .Select(stream => GrainFactory.GetGrain<IStatisticsGrain>(EventStreams.KeyOf(stream)).QueryAsync(query)));
        var rows = slices.SelectMany(s => s.Rows)
            .GroupBy(r => r.Key, StringComparer.Ordinal)
            .Select(g => new StatisticsRow(g.Key, g.Aggregate(StatisticsCounts.Zero, (sum, r) => sum + r.Counts)))
            .OrderBy(r => r.Key, StringComparer.Ordinal)
            .ToImmutableArray();
        var batches = slices.SelectMany(s => s.Batches)
            .GroupBy(b => b.BatchId, StringComparer.Ordinal)
            .Select(g => g.Aggregate((sum, b) => sum with { Counts = sum.Counts + b.Counts }))
            .OrderBy(b => b.BatchId, StringComparer.Ordinal)
            .ToImmutableArray();
        return new StatisticsAnswer(rows, batches);
    }
}
