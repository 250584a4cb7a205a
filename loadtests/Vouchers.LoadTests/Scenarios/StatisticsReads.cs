using System.Globalization;
using System.Text.Json;

namespace Vouchers.LoadTests.Scenarios;

/// <summary>
/// An HR department reads its province's statistics, as the dashboard at <c>/hr</c> does, typically while a claim burst
/// runs beside it (<c>--scenario claim-burst:2000,statistics:20</c>): three arrivals in four ask for the province by city
/// (<c>region=44&amp;groupBy=city</c>, step <c>province-by-city</c>), the fourth for claims per minute
/// (<c>groupBy=minute</c>, step <c>minute-series</c>). Every answer must be a 200 whose JSON has the statistics shape
/// (<see cref="StatisticsAnswerShape"/>).
/// </summary>
public sealed class StatisticsReads(VoucherApi api, ScenarioSettings settings)
{
    public const string Name = "statistics";

    /// <summary>Guangdong, the demo's province and that of the default admin key (admin-guangdong).</summary>
    public const string Province = "44";

    public const string ByCity = "province-by-city";
    public const string MinuteSeries = "minute-series";

    public ScenarioProps Create() => settings.Apply(Scenario.Create(Name, IterationAsync), defaultRate: 20)
        .WithInit(InitAsync);

    private async Task InitAsync(IScenarioInitContext context)
    {
        // Fail early, with the reason, on a target without statistics (the baseline) or a key without the province.
        var r = await api.StatisticsAsync($"region={Province}&groupBy=city", context.CancellationToken);
        if (r.Status != 200)
        {
            throw new InvalidOperationException($"GET /api/v1/admin/statistics?region={Province}&groupBy=city answered {r.Status}: {VoucherApi.Text(r)}");
        }

        var total = StatisticsAnswerShape.Claimed(r.Json);
        context.Log($"the province's statistics answer: {total:N0} claims so far; reading {ByCity} 3 times in 4, {MinuteSeries} once");
    }

    private async Task<IResponse> IterationAsync(IScenarioContext context)
    {
        var (step, query, groupBy, region) = context.InvocationNumber % 4 == 0
            ? (MinuteSeries, "groupBy=minute", "minute", (string?)null)
            : (ByCity, $"region={Province}&groupBy=city", "city", Province);
        return await Step.Run(step, context, async () =>
        {
            var r = await api.StatisticsAsync(query, context.CancellationToken);
            if (r.Status != 200)
            {
                return r.Fail<object>($"{step} answered {r.Status}: {VoucherApi.Text(r)}");
            }

            return StatisticsAnswerShape.Check(r.Json, groupBy, region) is { } problem
                ? Response.Fail<object>("200 bad shape", $"{step}: {problem}", r.Size)
                : r.Ok<object>("");
        });
    }
}

/// <summary>What a statistics answer must look like (docs/API.md, "Statistics"), checked on every answer.</summary>
public static class StatisticsAnswerShape
{
    private static readonly string[] Measures =
        ["claimed", "returned", "live", "used", "checkedIn", "subsidyApplied", "subsidyApproved", "subsidyRejected", "redeemed", "fundsCommitted", "fundsDisbursed"];

    /// <summary>The total's claims of an answer of the right shape (0 otherwise).</summary>
    public static long Claimed(JsonElement answer) =>
        answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("total", out var total) && total.ValueKind == JsonValueKind.Object
        && total.TryGetProperty("claimed", out var claimed) && claimed.TryGetInt64(out var n) ? n : 0;

    /// <summary>
    /// Null when <paramref name="answer"/> is a statistics answer grouped by <paramref name="groupBy"/>: a total and rows
    /// with every measure, rows keyed as the grouping says (a city: 4 digits under <paramref name="region"/>; a minute:
    /// <c>yyyy-MM-ddTHH:mmZ</c>, ascending), the total the sum of the rows, and a batch list; else what is wrong.
    /// </summary>
    public static string? Check(JsonElement answer, string groupBy, string? region)
    {
        if (answer.ValueKind != JsonValueKind.Object)
        {
            return "the body is not a JSON object";
        }

        if (!answer.TryGetProperty("groupBy", out var g) || g.ValueKind != JsonValueKind.String || g.GetString() != groupBy)
        {
            return $"groupBy is not \"{groupBy}\"";
        }

        if (!answer.TryGetProperty("total", out var total))
        {
            return "total is missing";
        }

        if (CountsProblem(total) is { } totalProblem)
        {
            return $"total: {totalProblem}";
        }

        if (!answer.TryGetProperty("rows", out var rows) || rows.ValueKind != JsonValueKind.Array)
        {
            return "rows is not an array";
        }

        if (!answer.TryGetProperty("batches", out var batches) || batches.ValueKind != JsonValueKind.Array)
        {
            return "batches is not an array";
        }

        long claimed = 0;
        string? previous = null;
        foreach (var row in rows.EnumerateArray())
        {
            if (CountsProblem(row) is { } rowProblem)
            {
                return $"a row: {rowProblem}";
            }

            if (!row.TryGetProperty("key", out var k) || k.ValueKind != JsonValueKind.String)
            {
                return "a row's key is not a string";
            }

            var key = k.GetString()!;
            if (KeyProblem(key, groupBy, region) is { } keyProblem)
            {
                return $"row key '{key}': {keyProblem}";
            }

            if (previous is not null && string.CompareOrdinal(previous, key) >= 0)
            {
                return $"rows are not in ascending key order ('{previous}' before '{key}')";
            }

            previous = key;
            claimed += row.GetProperty("claimed").GetInt64();
        }

        var totalClaimed = total.GetProperty("claimed").GetInt64();
        return totalClaimed == claimed ? null : $"total claimed {totalClaimed} is not the rows' sum {claimed}";
    }

    private static string? CountsProblem(JsonElement counts)
    {
        if (counts.ValueKind != JsonValueKind.Object)
        {
            return "not an object";
        }

        foreach (var measure in Measures)
        {
            if (!counts.TryGetProperty(measure, out var value) || value.ValueKind != JsonValueKind.Number)
            {
                return $"{measure} is not a number";
            }
        }

        return counts.GetProperty("claimed").TryGetInt64(out var claimed) && claimed >= 0 ? null : "claimed is not a count";
    }

    private static string? KeyProblem(string key, string groupBy, string? region) => groupBy switch
    {
        // People whose claims predate the profile count under "" (docs/API.md); a region filter leaves none of them.
        "city" when key.Length == 0 => region is null ? null : $"a row without a region in a query of region {region}",
        "city" => key.Length == 4 && key.All(char.IsAsciiDigit) && (region is null || key.StartsWith(region, StringComparison.Ordinal))
            ? null
            : $"not a city of {region ?? "any province"} (4 digits)",
        "minute" => DateTimeOffset.TryParseExact(key, "yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)
            ? null
            : "not a minute (yyyy-MM-ddTHH:mmZ)",
        _ => null,
    };
}
