using System.Collections.Immutable;
using System.Globalization;
using Vouchers.Contracts;
using Vouchers.Domain;

namespace Vouchers.Grains.Statistics;

/// <summary>
/// Counts events into a <see cref="StatisticsState"/> and answers queries from it. Every count is a sum, so the counts
/// of several streams add up, and counting the same events from the start again gives the same state (rebuild).
/// </summary>
public sealed class StatisticsCube(StatisticsState state)
{
    /// <summary>How long minute counts are kept, behind the newest event counted.</summary>
    public static readonly TimeSpan MinuteRetention = TimeSpan.FromHours(48);

    private const char Separator = '\u001f';
    private const string Unknown = "unknown";

    private DateTimeOffset newest;

    public StatisticsState State => state;

    /// <summary>Counts one event. Batch events set what the batch is counted under; voucher events add to the counts.</summary>
    public void Apply(VoucherEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Batch is { } facts)
        {
            state.Batches[e.BatchId] = facts;
            return;
        }

        if (MeasureOf(e.Kind) is not { } measure)
        {
            return;
        }

        var profile = e.Profile;
        var cell = CellKey(e.BatchId, ChinaTime.DayOf(e.At), profile?.RegionCode ?? "", profile is null ? Unknown : AgeBands.Of(profile.Age),
            profile?.Gender.ToString().ToLowerInvariant() ?? Unknown, profile?.TargetGroup ?? "", e.ChannelId ?? "", e.InstitutionId ?? "");
        var minute = e.At.ToUnixTimeSeconds() / 60 * 60;
        Add(state.Cells, cell, measure, e);
        Add(state.Hours, TimeKey(e.BatchId, minute / 3600 * 3600), measure, e);
        Add(state.Minutes, TimeKey(e.BatchId, minute), measure, e);
        if (e.At > newest)
        {
            newest = e.At;
        }
    }

    /// <summary>Forgets minute counts older than <see cref="MinuteRetention"/> behind the newest event counted.</summary>
    public void Prune()
    {
        if (newest == default)
        {
            return; // nothing counted since the state was loaded
        }

        var oldest = (newest - MinuteRetention).ToUnixTimeSeconds();
        foreach (var key in state.Minutes.Keys.Where(k => ParseTime(k).Start < oldest).ToList())
        {
            state.Minutes.Remove(key);
        }
    }

    public StatisticsSlice Query(StatisticsQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var rows = new Dictionary<string, StatisticsCounts>(StringComparer.Ordinal);
        var perBatch = new Dictionary<string, StatisticsCounts>(StringComparer.Ordinal);
        foreach (var (key, tally) in state.Cells)
        {
            var c = ParseCell(key);
            if (!InScope(query, c.BatchId))
            {
                continue;
            }

            var counts = tally.ToCounts();
            perBatch[c.BatchId] = perBatch.GetValueOrDefault(c.BatchId, StatisticsCounts.Zero) + counts;
            if (!Matches(query, c))
            {
                continue;
            }

            if (query.GroupBy is not (StatisticsDimension.Hour or StatisticsDimension.Minute))
            {
                var group = GroupOf(query.GroupBy, c);
                rows[group] = rows.GetValueOrDefault(group, StatisticsCounts.Zero) + counts;
            }
        }

        if (query.GroupBy is StatisticsDimension.Hour or StatisticsDimension.Minute)
        {
            var series = query.GroupBy == StatisticsDimension.Hour ? state.Hours : state.Minutes;
            foreach (var (key, tally) in series)
            {
                var (batchId, start) = ParseTime(key);
                var day = ChinaTime.DayOf(DateTimeOffset.FromUnixTimeSeconds(start));
                if (InScope(query, batchId) && InDays(query, day))
                {
                    var group = DateTimeOffset.FromUnixTimeSeconds(start).ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);
                    rows[group] = rows.GetValueOrDefault(group, StatisticsCounts.Zero) + tally.ToCounts();
                }
            }
        }

        var batches = state.Batches
            .Where(b => InScope(query, b.Key))
            .Select(b => new BatchStatistics(b.Key, b.Value, perBatch.GetValueOrDefault(b.Key, StatisticsCounts.Zero)))
            .ToImmutableArray();
        return new StatisticsSlice([.. rows.Select(r => new StatisticsRow(r.Key, r.Value))], batches);
    }

    public static string CellKey(string batchId, DateOnly day, string region, string ageBand, string gender, string group, string channel, string institution) =>
        string.Join(Separator, batchId, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), region, ageBand, gender, group, channel, institution);

    private static string TimeKey(string batchId, long start) =>
        string.Concat(batchId, Separator.ToString(), start.ToString(CultureInfo.InvariantCulture));

    private static (string BatchId, long Start) ParseTime(string key)
    {
        var at = key.LastIndexOf(Separator);
        return (key[..at], long.Parse(key.AsSpan(at + 1), CultureInfo.InvariantCulture));
    }

    private readonly record struct Cell(string BatchId, string Day, string Region, string AgeBand, string Gender, string Group, string Channel, string Institution);

    private static Cell ParseCell(string key)
    {
        var p = key.Split(Separator);
        return new Cell(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
    }

    /// <summary>The measure an event kind adds to; null for kinds statistics do not count.</summary>
    private static int? MeasureOf(EventKind kind) => kind switch
    {
        EventKind.Claimed => 0,
        EventKind.Returned => 1,
        EventKind.Used => 2,
        EventKind.CheckedIn => 3,
        EventKind.SubsidyApplied => 4,
        EventKind.SubsidyApproved => 5,
        EventKind.SubsidyRejected => 6,
        EventKind.Redeemed => 7,
        EventKind.Expired => 8,
        _ => null,
    };

    private static void Add(Dictionary<string, Tally> tallies, string key, int measure, VoucherEvent e)
    {
        if (!tallies.TryGetValue(key, out var tally))
        {
            tallies[key] = tally = new Tally();
        }

        tally.Add(measure);
        switch (e.Kind)
        {
            case EventKind.Claimed:
                tally.Committed += e.Amount;
                break;
            case EventKind.Returned or EventKind.Expired:
                tally.Committed -= e.Amount;
                break;
            case EventKind.Redeemed:
                tally.Disbursed += e.Amount;
                break;
        }
    }

    /// <summary>The batch is the asking admin's (its region under the scope) and passes the batch filters.</summary>
    private bool InScope(StatisticsQuery q, string batchId)
    {
        var facts = state.Batches.GetValueOrDefault(batchId);
        if (q.Scope.Length > 0 && (facts is null || !facts.RegionCode.StartsWith(q.Scope, StringComparison.Ordinal)))
        {
            return false;
        }

        return (q.BatchId is null || q.BatchId == batchId)
            && (q.ProgramId is null || facts?.ProgramId == q.ProgramId)
            && (q.FundingSource is null || facts?.FundingSource == q.FundingSource);
    }

    private static bool InDays(StatisticsQuery q, DateOnly day) => (q.From is null || day >= q.From) && (q.To is null || day <= q.To);

    private static bool Matches(StatisticsQuery q, Cell c) =>
        (q.RegionPrefix is null || c.Region.StartsWith(q.RegionPrefix, StringComparison.Ordinal))
        && (q.ChannelId is null || c.Channel == q.ChannelId)
        && (q.InstitutionId is null || c.Institution == q.InstitutionId)
        && InDays(q, DateOnly.ParseExact(c.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture));

    private string GroupOf(StatisticsDimension dimension, Cell c) => dimension switch
    {
        StatisticsDimension.None => "",
        StatisticsDimension.Batch => c.BatchId,
        StatisticsDimension.Program => state.Batches.GetValueOrDefault(c.BatchId)?.ProgramId ?? "",
        StatisticsDimension.FundingSource => state.Batches.GetValueOrDefault(c.BatchId)?.FundingSource ?? "",
        StatisticsDimension.Province => c.Region.Length >= 2 ? c.Region[..2] : "",
        StatisticsDimension.City => c.Region.Length >= 4 ? c.Region[..4] : "",
        StatisticsDimension.County => c.Region,
        StatisticsDimension.AgeBand => c.AgeBand,
        StatisticsDimension.Gender => c.Gender,
        StatisticsDimension.TargetGroup => c.Group,
        StatisticsDimension.Channel => c.Channel,
        StatisticsDimension.Institution => c.Institution,
        StatisticsDimension.Day => c.Day,
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, null),
    };
}
