using System.Net;
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
