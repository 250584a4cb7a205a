using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Vouchers.Contracts;
using Vouchers.Grains.Events;
using Vouchers.Http.Contracts;
using Vouchers.Testing;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>The statistics routes on the zero-setup gateway: what they count, for whom, and how bad queries are refused.</summary>
public sealed class StatisticsEndpointTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(20);

    private readonly HttpClient ministry = gateway.ClientFor(Demo.AdminMinistry);
    private readonly HttpClient guangdong = gateway.ClientFor(Demo.AdminGuangdong);
    private readonly HttpClient shenzhen = gateway.ClientFor(Demo.AdminShenzhen);
    private readonly HttpClient channel = gateway.ClientFor(Demo.ChannelNationalApp);

    [Fact]
    public async Task AClaimShowsInTheStatisticsOfTheBatchsRegionWithinSecondsAndNotInAnotherRegions()
    {
        var batch = await guangdong.CreateActiveBatchAsync(VoucherApi.NewBatch(quantity: 5));
        var person = TestPerson.New();
        await channel.ClaimAsync(person, batch.Id);

        var statistics = await Poll.UntilAsync(
            async () => await VoucherApi.ReadAsync<StatisticsResponse>(await guangdong.GetAsync($"/api/v1/admin/statistics?batchId={batch.Id}&groupBy=county"), HttpStatusCode.OK),
            s => s.Total.Claimed == 1, Convergence, s => $"the claim to be counted; last {s.Total}");
        Assert.Equal(person.IdNumber[..6], Assert.Single(statistics.Rows).Key);
        var shown = Assert.Single(statistics.Batches);
        Assert.Equal((batch.Id, 5, 4, "44"), (shown.BatchId, shown.Quantity, shown.Remaining, shown.RegionCode));

        var national = await VoucherApi.ReadAsync<StatisticsResponse>(await ministry.GetAsync($"/api/v1/admin/statistics?batchId={batch.Id}"), HttpStatusCode.OK);
        Assert.Equal(1, national.Total.Claimed);

        // The batch is Guangdong's: the Shenzhen admin (4403) counts nothing of it and does not learn its id.
        var other = await shenzhen.GetAsync($"/api/v1/admin/statistics?batchId={batch.Id}&groupBy=batch");
        var body = await other.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.DoesNotContain(batch.Id, body, StringComparison.Ordinal);
        Assert.Equal(0, (await VoucherApi.ReadAsync<StatisticsResponse>(await shenzhen.GetAsync($"/api/v1/admin/statistics?batchId={batch.Id}"), HttpStatusCode.OK)).Total.Claimed);
    }

    [Fact]
    public async Task EveryStepOfTheLifecycleIsCountedWhereItHappened()
    {
        var institution = gateway.ClientFor(Demo.InstitutionSzSkillsSchool);
        var batch = await guangdong.CreateActiveBatchAsync(VoucherApi.NewBatch(quantity: 10, subsidyAmount: 800m));
        var people = Enumerable.Range(0, 4).Select(_ => TestPerson.New()).ToList();
        var vouchers = new List<string>();
        foreach (var person in people)
        {
            vouchers.Add((await channel.ClaimAsync(person, batch.Id)).Code);
        }

        await channel.ReturnAsync(people[3], vouchers[3]);
        await institution.UseAsync(vouchers[0]);
        await institution.UseAsync(vouchers[1]);
        var application = await institution.ApplyForSubsidyAsync(batch.Id, vouchers[0]);
        await guangdong.ApproveAsync(application.Id, vouchers[0]);
        await guangdong.DisburseAsync(application.Id);

        var expected = new StatisticsRowView("", Claimed: 4, Returned: 1, Live: 3, Expired: 0, Used: 2, CheckedIn: 0, SubsidyApplied: 1, SubsidyApproved: 1,
            SubsidyRejected: 0, Redeemed: 1, FundsCommitted: 2400m, FundsDisbursed: 800m);
        var statistics = await Poll.UntilAsync(
            async () => await VoucherApi.ReadAsync<StatisticsResponse>(await guangdong.GetAsync($"/api/v1/admin/statistics?batchId={batch.Id}&groupBy=institution"), HttpStatusCode.OK),
            s => s.Total == expected, Convergence, s => $"the lifecycle to be counted as {expected}; last {s.Total}");
        var school = Assert.Single(statistics.Rows, r => r.Key == Demo.SzSkillsSchool);
        Assert.Equal((2, 1, 1, 1, 800m), (school.Used, school.SubsidyApplied, school.SubsidyApproved, school.Redeemed, school.FundsDisbursed));
        Assert.Equal((4, 1), (Assert.Single(statistics.Rows, r => r.Key == "").Claimed, Assert.Single(statistics.Rows, r => r.Key == "").Returned));

        // Grouped by region, each row names its division (in the CSV, right after the code).
        var byCity = await VoucherApi.ReadAsync<StatisticsResponse>(await guangdong.GetAsync($"/api/v1/admin/statistics?batchId={batch.Id}&groupBy=city"), HttpStatusCode.OK);
        Assert.All(byCity.Rows.Where(r => r.Key != ""), r => Assert.False(string.IsNullOrEmpty(r.Name), $"city {r.Key} has no name"));
        var csv = await (await guangdong.GetAsync($"/api/v1/admin/statistics.csv?batchId={batch.Id}&groupBy=city")).Content.ReadAsStringAsync();
        Assert.Contains("分组 (city),名称 (name),领取 (claimed)", csv, StringComparison.Ordinal);
        Assert.All(byCity.Rows.Where(r => r.Key != ""), r => Assert.Contains($"{r.Key},{r.Name},", csv, StringComparison.Ordinal));

        var byChannel = await VoucherApi.ReadAsync<StatisticsResponse>(await guangdong.GetAsync($"/api/v1/admin/statistics?batchId={batch.Id}&groupBy=channel"), HttpStatusCode.OK);
        Assert.Equal(4, Assert.Single(byChannel.Rows, r => r.Key == Demo.NationalApp).Claimed);
        Assert.All(byChannel.Rows, r => Assert.Null(r.Name));
        // An approval is the application's step: counted under its batch and institution, not under a claimant or channel.
        Assert.Equal(1, Assert.Single(byChannel.Rows, r => r.Key == "").SubsidyApproved);

        // Each event names who acted: the admin's key for the batch and the review (down to the redemption the
        // disbursement made), the channel for claims and returns, the institution for uses and the application.
        var events = (await gateway.Services.GetRequiredService<IEventStore>().ReadAsync(EventCursor.Start, int.MaxValue))
            .Select(e => e.Event).Where(e => e.BatchId == batch.Id).ToList();
        string ActorOf(EventKind kind) => string.Join(",", events.Where(e => e.Kind == kind).Select(e => $"{e.Actor}:{e.ActorId}").Distinct());
        Assert.Equal(
            [$"Admin:{Demo.AdminGuangdong}", $"Admin:{Demo.AdminGuangdong}", $"Channel:{Demo.NationalApp}", $"Channel:{Demo.NationalApp}",
             $"Institution:{Demo.SzSkillsSchool}", $"Institution:{Demo.SzSkillsSchool}", $"Admin:{Demo.AdminGuangdong}", $"Admin:{Demo.AdminGuangdong}",
             $"Admin:{Demo.AdminGuangdong}"],
            [ActorOf(EventKind.BatchDefined), ActorOf(EventKind.BatchActivated), ActorOf(EventKind.Claimed), ActorOf(EventKind.Returned),
             ActorOf(EventKind.Used), ActorOf(EventKind.SubsidyApplied), ActorOf(EventKind.SubsidyApproved), ActorOf(EventKind.Redeemed),
             ActorOf(EventKind.SubsidyDisbursed)]);
    }

    [Theory]
    [InlineData("groupBy=everything", "groupBy")]
    [InlineData("groupBy=3", "groupBy")]
    [InlineData("region=4", "region")]
    [InlineData("region=44x", "region")]
    [InlineData("batchId=Not_A_Slug", "batchId")]
    [InlineData("programId=%20", "programId")]
    [InlineData("channelId=x", "channelId")]
    [InlineData("institutionId=../etc", "institutionId")]
    [InlineData("fundingSource=%E2%80%AE", "fundingSource")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-12-05&to=2026-12-01", "to")]
    [InlineData("groupBy=minute&region=44", "groupBy")]
    [InlineData("groupBy=hour&channelId=national-app", "groupBy")]
    public async Task ABadQueryIsA400NamingTheField(string query, string field)
    {
        await VoucherApi.ValidationProblemAsync(await guangdong.GetAsync($"/api/v1/admin/statistics?{query}"), field);
        await VoucherApi.ValidationProblemAsync(await guangdong.GetAsync($"/api/v1/admin/statistics.csv?{query}"), field);
    }

    [Fact]
    public async Task EveryDimensionIsAccepted()
    {
        foreach (var dimension in new[] { "none", "batch", "program", "fundingSource", "province", "city", "county", "ageBand", "gender", "targetGroup", "channel", "institution", "day", "hour", "minute", "AGEBAND" })
        {
            var answer = await VoucherApi.ReadAsync<StatisticsResponse>(await ministry.GetAsync($"/api/v1/admin/statistics?groupBy={dimension}"), HttpStatusCode.OK);
            Assert.Equal(dimension == "AGEBAND" ? "ageBand" : dimension, answer.GroupBy);
        }
    }

    [Fact]
    public async Task OnlyAdminsReadStatistics()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.AnonymousClient().GetAsync("/api/v1/admin/statistics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await gateway.ClientFor(Demo.InstitutionSzSkillsSchool).GetAsync("/api/v1/admin/statistics")).StatusCode);
    }
}
