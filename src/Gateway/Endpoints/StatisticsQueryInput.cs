using System.Text.Json;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Http.Problems;

namespace Vouchers.Gateway.Endpoints;

/// <summary>
/// The query string of the statistics routes: <c>groupBy</c>, the filters <c>region</c> (a prefix of the claimant's
/// division code), <c>batchId</c>, <c>programId</c>, <c>fundingSource</c>, <c>channelId</c>, <c>institutionId</c>, and
/// <c>from</c>/<c>to</c> (read as the verification records' period; statistics count whole China days, so each bound
/// selects the day it falls in). Each bad value is named in the 400 problem.
/// </summary>
public static class StatisticsQueryInput
{
    /// <summary>The dimensions as the API names them (<c>groupBy</c>).</summary>
    public static IReadOnlyList<string> Dimensions { get; } =
        [.. Enum.GetValues<StatisticsDimension>().Select(NameOf)];

    public static string NameOf(StatisticsDimension dimension) => JsonNamingPolicy.CamelCase.ConvertName(dimension.ToString());

    /// <summary>The query of an admin of <paramref name="scope"/>; null when a value is bad, which <paramref name="v"/> then names.</summary>
    public static StatisticsQuery? Read(
        string scope, string? groupBy, string? region, string? batchId, string? programId, string? fundingSource, string? channelId,
        string? institutionId, string? from, string? to, Validation v)
    {
        var dimension = StatisticsDimension.None;
        if (groupBy is not null)
        {
            var named = Enum.GetValues<StatisticsDimension>().Where(d => string.Equals(NameOf(d), groupBy, StringComparison.OrdinalIgnoreCase)).ToList();
            if (named.Count == 0)
            {
                v.Add("groupBy", $"groupBy is one of: {string.Join(", ", Dimensions)}.");
            }
            else
            {
                dimension = named[0];
            }
        }

        if (region is not null && !Identifiers.IsValidRegionPrefix(region))
        {
            v.Add("region", "The region is a division code or its prefix: 2, 4 or 6 digits.");
        }

        Slug(batchId, "batchId", v);
        Slug(programId, "programId", v);
        Slug(channelId, "channelId", v);
        Slug(institutionId, "institutionId", v);
        string? funding = null;
        if (fundingSource is not null && (funding = DisplayText.Check(fundingSource, BatchDefinitionRules.MaxFundingSourceLength, out var error)) is null)
        {
            v.Add("fundingSource", error!);
        }

        var (start, end) = RecordQueryInput.Period(from, to, v);
        var query = new StatisticsQuery(scope, dimension, region, batchId, programId, channelId, institutionId,
            start is { } s ? ChinaTime.DayOf(s) : null,
            end is { } e ? ChinaTime.DayOf(e.AddTicks(-1)) : null,
            funding);
        if (dimension is StatisticsDimension.Hour or StatisticsDimension.Minute && query.FiltersPeople)
        {
            v.Add("groupBy", "Hourly and minute counts are kept per batch only: filter them by batch, program or funding source, not by region, channel or institution.");
        }

        return v.IsValid ? query : null;
    }

    private static void Slug(string? value, string field, Validation v)
    {
        if (value is not null && !Identifiers.IsValidSlug(value))
        {
            v.Add(field, $"The {field} has 2 to 64 lower-case letters, digits and hyphens.");
        }
    }
}
