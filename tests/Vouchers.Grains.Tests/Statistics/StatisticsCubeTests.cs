using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Grains.Statistics;

namespace Vouchers.Grains.Tests.Statistics;

public sealed class StatisticsCubeTests
{
    private static readonly DateTimeOffset Day1 = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero); // 09:00 in China
    private static readonly BatchFacts Shenzhen = new("Electrician", "electrician-basic", "4403", "employment-fund", 100, 800m, BatchStatus.Active);
    private static readonly BatchFacts Beijing = new("Welder", "welder-basic", "11", "city-fund", 50, 500m, BatchStatus.Active);

    private static readonly ClaimantProfile Woman30 = new("440305", 30, Gender.Female, "unemployed");
    private static readonly ClaimantProfile Man50 = new("440106", 50, Gender.Male, "");
    private static readonly ClaimantProfile Man20 = new("110105", 20, Gender.Male, "");

    private static VoucherEvent Batch(string id, BatchFacts facts) =>
        new($"batch/{id}/{Guid.NewGuid():N}", EventKind.BatchDefined, Day1, id, ActorKind.Admin, "", Batch: facts);

    private static VoucherEvent Claimed(string batchId, string code, ClaimantProfile? profile, string channel, decimal amount, DateTimeOffset at) =>
        new($"claimed/{code}", EventKind.Claimed, at, batchId, ActorKind.Channel, channel, code, "person-" + code, profile, channel, Amount: amount);

    private static VoucherEvent Step(VoucherEvent claim, EventKind kind, DateTimeOffset at, string? institution = null, decimal amount = 0) =>
        claim with { Id = $"{kind}/{claim.Code}", Kind = kind, At = at, InstitutionId = institution, Amount = amount };

    private static List<VoucherEvent> History()
    {
        var c1 = Claimed("b-sz", "c1", Woman30, "national-app", 800m, Day1);
        var c2 = Claimed("b-sz", "c2", Man50, "bank-app", 800m, Day1.AddMinutes(1));
        var c3 = Claimed("b-sz", "c3", null, "bank-app", 800m, Day1.AddDays(1));
        var c4 = Claimed("b-bj", "c4", Man20, "national-app", 500m, Day1.AddMinutes(2));
        return
        [
            Batch("b-sz", Shenzhen), Batch("b-bj", Beijing), c1, c2, c3, c4,
            Step(c2, EventKind.Returned, Day1.AddMinutes(5), amount: 800m),
            Step(c1, EventKind.Used, Day1.AddHours(2), "school-a"),
            Step(c1, EventKind.SubsidyApplied, Day1.AddDays(2), "school-a", 800m),
            Step(c1, EventKind.Redeemed, Day1.AddDays(3), "school-a", 800m),
            Step(c4, EventKind.Used, Day1.AddHours(3), "school-b"),
            Step(c3, EventKind.Expired, Day1.AddDays(2), amount: 800m),
        ];
    }

    private static StatisticsCube Counted(IEnumerable<VoucherEvent> events)
    {
        var cube = new StatisticsCube(new StatisticsState());
        foreach (var e in events)
        {
            cube.Apply(e);
        }

        return cube;
    }

    private static Dictionary<string, StatisticsCounts> Rows(StatisticsCube cube, StatisticsQuery query) =>
        cube.Query(query).Rows.ToDictionary(r => r.Key, r => r.Counts);

    [Fact]
    public void TotalsCountEveryStepAndTheFundsClaimsCommitAndRedemptionsDisburse()
    {
        var total = Assert.Single(Rows(Counted(History()), new StatisticsQuery(""))).Value;
        Assert.Equal(new StatisticsCounts(Claimed: 4, Returned: 1, Expired: 1, Used: 2, CheckedIn: 0, SubsidyApplied: 1, SubsidyApproved: 0,
            SubsidyRejected: 0, Redeemed: 1, FundsCommitted: 800m + 500m, FundsDisbursed: 800m), total);
        Assert.Equal(3, total.Live); // an expired claim still took its unit of stock
    }

    [Fact]
    public void CountsWrittenBeforeExpiriesWereCountedReadAsNoneAndCountThemFromThenOn()
    {
        var tally = new Tally { Counts = [4, 1, 2, 0, 1, 0, 0, 1], Committed = 2100m };
        Assert.Equal((4, 0), (tally.ToCounts().Claimed, tally.ToCounts().Expired));
        tally.Add(8);
        Assert.Equal((4, 1, Tally.Measures), (tally.ToCounts().Claimed, tally.ToCounts().Expired, tally.Counts.Length));
    }

    [Fact]
    public void AnAdminSeesOnlyTheBatchesOfItsRegionAndEachBatchsStock()
    {
        var cube = Counted(History());
        var guangdong = cube.Query(new StatisticsQuery("44"));
        var batch = Assert.Single(guangdong.Batches);
        Assert.Equal(("b-sz", 3, 2, 98), (batch.BatchId, batch.Counts.Claimed, batch.Counts.Live, batch.Remaining));
        Assert.Equal(3, Assert.Single(guangdong.Rows).Counts.Claimed);
        Assert.Empty(cube.Query(new StatisticsQuery("12")).Batches);
        Assert.Empty(cube.Query(new StatisticsQuery("12")).Rows);
        Assert.Equal(2, cube.Query(new StatisticsQuery("")).Batches.Length);
    }

    [Theory]
    [InlineData(StatisticsDimension.Province, "11=1 44=2 =1")]
    [InlineData(StatisticsDimension.City, "1101=1 4401=1 4403=1 =1")]
    [InlineData(StatisticsDimension.Gender, "female=1 male=2 unknown=1")]
    [InlineData(StatisticsDimension.AgeBand, "25-34=1 45-54=1 under-25=1 unknown=1")]
    [InlineData(StatisticsDimension.TargetGroup, "unemployed=1 =3")]
    [InlineData(StatisticsDimension.Channel, "bank-app=2 national-app=2")]
    [InlineData(StatisticsDimension.Program, "electrician-basic=3 welder-basic=1")]
    [InlineData(StatisticsDimension.FundingSource, "employment-fund=3 city-fund=1")]
    [InlineData(StatisticsDimension.Day, "2026-03-02=3 2026-03-03=1")]
    public void ClaimsAreGroupedByEachDimension(StatisticsDimension dimension, string expected)
    {
        var claims = Rows(Counted(History()), new StatisticsQuery("", dimension))
            .Where(r => r.Value.Claimed > 0)
            .ToDictionary(r => r.Key, r => r.Value.Claimed);
        var wanted = expected.Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(wanted.OrderBy(p => p.Key), claims.OrderBy(p => p.Key));
    }

    [Fact]
    public void UsesAreCountedUnderTheInstitutionWhereTheyHappened()
    {
        var rows = Rows(Counted(History()), new StatisticsQuery("", StatisticsDimension.Institution));
        Assert.Equal((1, 1, 1), (rows["school-a"].Used, rows["school-a"].Redeemed, rows["school-b"].Used));
        Assert.Equal(4, rows[""].Claimed); // claims happen at no institution
    }

    [Fact]
    public void FiltersNarrowByClaimantRegionChannelAndDays()
    {
        var cube = Counted(History());
        Assert.Equal(2, Assert.Single(Rows(cube, new StatisticsQuery("", RegionPrefix: "44"))).Value.Claimed);
        Assert.Equal(1, Assert.Single(Rows(cube, new StatisticsQuery("", RegionPrefix: "4403"))).Value.Claimed);
        Assert.Equal(2, Assert.Single(Rows(cube, new StatisticsQuery("", ChannelId: "bank-app"))).Value.Claimed);
        var day2 = new DateOnly(2026, 3, 3);
        Assert.Equal(1, Assert.Single(Rows(cube, new StatisticsQuery("", From: day2, To: day2))).Value.Claimed);
        Assert.Empty(Rows(cube, new StatisticsQuery("", BatchId: "b-none")));
    }

    [Fact]
    public void ClaimsPerMinuteAndPerHourFormTheTimeSeriesOfABatch()
    {
        var cube = Counted(History());
        var minutes = Rows(cube, new StatisticsQuery("", StatisticsDimension.Minute, BatchId: "b-sz"));
        Assert.Equal(1, minutes["2026-03-02T01:00Z"].Claimed);
        Assert.Equal(1, minutes["2026-03-02T01:01Z"].Claimed);
        Assert.Equal(1, minutes["2026-03-02T01:05Z"].Returned);
        var hours = Rows(cube, new StatisticsQuery("", StatisticsDimension.Hour, BatchId: "b-sz"));
        Assert.Equal((2, 1), (hours["2026-03-02T01:00Z"].Claimed, hours["2026-03-02T01:00Z"].Returned));
    }

    [Fact]
    public void CountingBatchByBatchAsTheStreamsDoGivesWhatCountingInCommitOrderGives()
    {
        var history = History();
        var inOrder = Counted(history);
        var streams = history.GroupBy(e => e.BatchId).Select(Counted).ToList();
        foreach (var dimension in Enum.GetValues<StatisticsDimension>())
        {
            var query = new StatisticsQuery("", dimension);
            var added = streams.SelectMany(s => s.Query(query).Rows)
                .GroupBy(r => r.Key)
                .ToDictionary(g => g.Key, g => g.Aggregate(StatisticsCounts.Zero, (sum, r) => sum + r.Counts));
            Assert.Equal(Rows(inOrder, query).OrderBy(r => r.Key), added.OrderBy(r => r.Key));
        }
    }

    [Fact]
    public void MinuteCountsOlderThanTheRetentionAreForgottenButDaysAndHoursStay()
    {
        var history = History();
        var late = Claimed("b-sz", "c9", Woman30, "national-app", 800m, Day1.AddDays(6));
        var cube = Counted([.. history, late]);
        cube.Prune();
        var minutes = Rows(cube, new StatisticsQuery("", StatisticsDimension.Minute));
        Assert.Equal(["2026-03-08T01:00Z"], minutes.Keys);
        Assert.Equal(5, Assert.Single(Rows(cube, new StatisticsQuery(""))).Value.Claimed);
        Assert.Equal(5, Rows(cube, new StatisticsQuery("", StatisticsDimension.Hour)).Values.Sum(c => c.Claimed));
    }
}
