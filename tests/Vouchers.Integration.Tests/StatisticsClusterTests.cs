using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Vouchers.Contracts;
using Vouchers.Grains.Statistics;
using Vouchers.Http.Contracts;
using Vouchers.Integration.Tests.Infrastructure;
using Vouchers.Silo.Persistence.Events;
using Vouchers.Testing;
using Vouchers.Testing.Gateway;
using Xunit.Abstractions;

namespace Vouchers.Integration.Tests;

/// <summary>
/// The event pipeline in cluster mode: a silo process on PostgreSQL, a burst with returns, uses and a redemption, a
/// batch whose vouchers expire, and the statistics compared with what the claims table and the vouchers' stored states
/// say, and with the statistics counted again from the stored events.
/// </summary>
public sealed class StatisticsClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(30);

    private VoucherCluster cluster = null!;

    // Expired events a second after the expiry instant, swept every second: a test batch expires while it runs.
    public async Task InitializeAsync() =>
        cluster = await VoucherCluster.StartAsync(null, "--Events:ExpiryGrace=00:00:01", "--Events:ExpirySweepInterval=00:00:01");

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public Task AfterABurstWithReturnsUsesAndARedemptionEveryStatisticEqualsTheStoredTruthAndTheEventsCountedAgain() => cluster.RunAsync(async () =>
    {
        const int quantity = 400, people = 500, returns = 30, uses = 40;
        var gateway = cluster.CreateGateway();
        await cluster.WaitUntilReadyAsync(gateway);
        using var api = new DemoClients(gateway);
        var batchId = (await api.Admin.CreateActiveBatchAsync(VoucherApi.NewBatch(quantity, subsidyAmount: 800m))).Id;

        var burst = await ClaimBurst.RunAsync(api, batchId, [.. Enumerable.Range(1, people).Select(n => (n, $"stats-{n}"))], concurrency: 64);
        Assert.Empty(burst.Unexpected);
        var holders = burst.Acknowledged.OrderBy(h => h.Key).ToList();
        await Task.WhenAll(holders.Take(returns).Select(h => api.Channel.ReturnAsync(TestPerson.Number(h.Key), h.Value)));
        var used = holders.Skip(returns).Take(uses).Select(h => h.Value).ToList();
        foreach (var code in used)
        {
            await api.Institution.UseAsync(code);
        }

        var application = await api.Institution.ApplyForSubsidyAsync(batchId, used[0], used[1]);
        await api.Admin.ApproveAsync(application.Id, used[0], used[1]);
        await api.Admin.DisburseAsync(application.Id);

        // The truth as stored: claims and returns in the claims table, uses and redemptions in the vouchers' states.
        var claims = await cluster.Database.ListAsync(
            "SELECT gender, count(*)::int, count(returned_at)::int FROM vouchers_claims WHERE batch_id = @batch GROUP BY gender",
            r => (Gender: r.GetString(0).ToLowerInvariant(), Claimed: r.GetInt32(1), Returned: r.GetInt32(2)), ("batch", batchId));
        var states = await cluster.Database.ListAsync(
            """
            SELECT convert_from(payload, 'UTF8')::jsonb ->> 'status', count(*)::int FROM orleans_grain_state
            WHERE payload IS NOT NULL AND convert_from(payload, 'UTF8')::jsonb -> 'issue' ->> 'batchId' = @batch GROUP BY 1
            """,
            r => (Status: r.GetString(0), Count: r.GetInt32(1)), ("batch", batchId));
        int StatesOf(params string[] statuses) => states.Where(s => statuses.Contains(s.Status)).Sum(s => s.Count);
        var claimed = claims.Sum(c => c.Claimed);
        var returned = claims.Sum(c => c.Returned);
        Assert.Equal((Math.Min(quantity, people), returns), (claimed, returned));
        var truth = new StatisticsRowView("", claimed, returned, claimed - returned, Expired: 0,
            Used: StatesOf("Used", "SubsidyApplied", "Redeemed"), CheckedIn: 0, SubsidyApplied: 2, SubsidyApproved: 2, SubsidyRejected: 0,
            Redeemed: StatesOf("Redeemed"), FundsCommitted: (claimed - returned) * 800m, FundsDisbursed: StatesOf("Redeemed") * 800m);
        Assert.Equal((uses, 2), (truth.Used, truth.Redeemed));

        var statistics = await Poll.UntilAsync(
            async () => await VoucherApi.ReadAsync<StatisticsResponse>(
                await api.Admin.GetAsync($"/api/v1/admin/statistics?batchId={batchId}&groupBy=gender"), HttpStatusCode.OK),
            s => s.Total == truth, Convergence, s => $"the statistics to equal the stored truth {truth}; last {s.Total}");
        foreach (var (gender, count, back) in claims)
        {
            var row = Assert.Single(statistics.Rows, r => r.Key == gender);
            Assert.Equal((count, back), (row.Claimed, row.Returned));
        }

        var batch = Assert.Single(statistics.Batches);
        Assert.Equal((quantity, quantity - (claimed - returned)), (batch.Quantity, batch.Remaining));

        // Counted again from the stored events, in commit order, the statistics are the same.
        await using var dataSource = NpgsqlDataSource.Create(cluster.Database.ConnectionString);
        var events = await new PostgresEventStore(dataSource, NullLogger<PostgresEventStore>.Instance).ReadAsync(EventCursor.Start, 1_000_000);
        var rebuilt = new StatisticsCube(new StatisticsState());
        foreach (var e in events.Where(e => e.Event.BatchId == batchId))
        {
            rebuilt.Apply(e.Event);
        }

        var again = rebuilt.Query(new StatisticsQuery("", StatisticsDimension.Gender, BatchId: batchId));
        Assert.Equal(statistics.Rows, [.. again.Rows.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => StatisticsRowView.From(r.Key, r.Counts))]);

        // Each change has one event: claims, returns, uses, two applications, two approvals, two redemptions, one
        // disbursement and the batch's definition and activation.
        Assert.Equal(claimed + returned + uses + 2 + 2 + 2 + 1 + 2, events.Count(e => e.Event.BatchId == batchId));

        // The CSV opens in Excel: a byte-order mark, Chinese headers, one line per group.
        var csv = await api.Admin.GetAsync($"/api/v1/admin/statistics.csv?batchId={batchId}&groupBy=gender");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("分组 (gender),领取 (claimed)", lines[0], StringComparison.Ordinal);
        Assert.Equal(statistics.Rows.Count + 1, lines.Length);
    });

    [Fact]
    public Task VouchersNeitherUsedNorReturnedByTheirExpiryAreCountedExpiredOnceAsTheStoredTruthSays() => cluster.RunAsync(async () =>
    {
        const int people = 24, returns = 4, uses = 6;
        var gateway = cluster.CreateGateway();
        await cluster.WaitUntilReadyAsync(gateway);
        using var api = new DemoClients(gateway);
        var expiry = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 15);
        var batch = VoucherApi.NewBatch(people, subsidyAmount: 500m) with { ClaimClosesAt = expiry, DaysValidAfterClaim = null, FixedExpiry = expiry };
        var batchId = (await api.Admin.CreateActiveBatchAsync(batch)).Id;
        var burst = await ClaimBurst.RunAsync(api, batchId, [.. Enumerable.Range(1, people).Select(n => (n, $"expiring-{n}"))], concurrency: 8);
        Assert.Empty(burst.Unexpected);
        var holders = burst.Acknowledged.OrderBy(h => h.Key).ToList();
        await Task.WhenAll(holders.Take(returns).Select(h => api.Channel.ReturnAsync(TestPerson.Number(h.Key), h.Value)));
        foreach (var (_, code) in holders.Skip(returns).Take(uses))
        {
            await api.Institution.UseAsync(code);
        }

        Assert.True(DateTimeOffset.UtcNow < expiry, "The claims, returns and uses took longer than the batch's validity.");

        // The truth as stored, once the vouchers have expired: claims not returned whose voucher's state says unused.
        await Task.Delay(expiry - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));
        var live = await cluster.Database.ScalarAsync<long>(
            "SELECT count(*) FROM vouchers_claims WHERE batch_id = @batch AND returned_at IS NULL AND expires_at <= now()", ("batch", batchId));
        var usedStates = await cluster.Database.ScalarAsync<long>(
            """
            SELECT count(*) FROM orleans_grain_state WHERE payload IS NOT NULL
            AND convert_from(payload, 'UTF8')::jsonb -> 'issue' ->> 'batchId' = @batch AND convert_from(payload, 'UTF8')::jsonb ->> 'status' = 'Used'
            """, ("batch", batchId));
        Assert.Equal((people - returns, uses), ((int)live, (int)usedStates));
        var expired = (int)(live - usedStates);

        var statistics = await Poll.UntilAsync(
            async () => await VoucherApi.ReadAsync<StatisticsResponse>(await api.Admin.GetAsync($"/api/v1/admin/statistics?batchId={batchId}"), HttpStatusCode.OK),
            s => s.Total.Expired == expired, Convergence, s => $"the statistics to count {expired} expired vouchers; last {s.Total.Expired}");
        Assert.Equal((people, returns, uses, (people - returns - expired) * 500m),
            (statistics.Total.Claimed, statistics.Total.Returned, statistics.Total.Used, statistics.Total.FundsCommitted));
        Assert.Equal((long)expired, await cluster.Database.ScalarAsync<long>(
            "SELECT count(*) FROM vouchers_events WHERE batch_id = @batch AND kind = 'Expired' AND actor = 'System' AND occurred_at = @expiry",
            ("batch", batchId), ("expiry", expiry)));

        // Later sweeps add nothing.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var later = await VoucherApi.ReadAsync<StatisticsResponse>(await api.Admin.GetAsync($"/api/v1/admin/statistics?batchId={batchId}"), HttpStatusCode.OK);
        Assert.Equal(statistics.Total, later.Total);
    });

    [Fact]
    public Task AfterAKillDashNineMidBurstTheStatisticsConvergeToTheStoredClaimsWithNothingLostOrCountedTwice() => cluster.RunAsync(async () =>
    {
        const int quantity = 2_000, people = 2_500;
        var gateway = cluster.CreateGateway();
        await cluster.WaitUntilReadyAsync(gateway);
        using var api = new DemoClients(gateway);
        var batchId = (await api.Admin.CreateActiveBatchAsync(VoucherApi.NewBatch(quantity, subsidyAmount: 800m))).Id;
        var requests = Enumerable.Range(1, people).Select(n => (Person: n, RequestId: $"kill-{n}")).ToList();

        // The silo dies with counts not yet written, pages in its streams' memory and the pump's position unwritten.
        var killed = false;
        var burst = await ClaimBurst.RunAsync(api, batchId, requests, concurrency: 64, afterEach: acknowledged =>
        {
            if (acknowledged >= 800 && !killed)
            {
                killed = true;
                cluster.KillSilo();
            }
        });
        Assert.True(killed, "The burst ended before the silo was killed.");
        await cluster.StartSiloAsync();
        await cluster.WaitUntilReadyAsync(gateway);
        var restarted = Stopwatch.StartNew();

        // The channels retry every request: the whole quantity is claimed.
        var retry = await ClaimBurst.RunAsync(api, batchId, requests, concurrency: 64);
        Assert.Empty(retry.Unexpected);
        var stored = await StoredClaims.ReadAsync(cluster.Database, batchId);
        Assert.Equal((quantity, quantity), (stored.Total, stored.Live));
        Assert.All(burst.Acknowledged.Values, code => Assert.Contains(code, stored.Codes));
        Assert.Equal((long)quantity, await cluster.Database.ScalarAsync<long>(
            "SELECT count(*) FROM vouchers_events WHERE batch_id = @batch AND kind = 'Claimed'", ("batch", batchId)));

        var statistics = await Poll.UntilAsync(
            async () => await VoucherApi.ReadAsync<StatisticsResponse>(await api.Admin.GetAsync($"/api/v1/admin/statistics?batchId={batchId}"), HttpStatusCode.OK),
            s => s.Total.Claimed >= quantity, Convergence, s => $"the statistics to count {quantity} claims; last {s.Total.Claimed}");
        output.WriteLine($"statistics counted all {quantity} claims {restarted.Elapsed.TotalSeconds:0.0} s after the silo was back");
        Assert.Equal((quantity, 0, quantity * 800m), (statistics.Total.Claimed, statistics.Total.Returned, statistics.Total.FundsCommitted));

        // Nothing arrives late to be counted a second time.
        await Task.Delay(TimeSpan.FromSeconds(6));
        var later = await VoucherApi.ReadAsync<StatisticsResponse>(await api.Admin.GetAsync($"/api/v1/admin/statistics?batchId={batchId}"), HttpStatusCode.OK);
        Assert.Equal(statistics.Total, later.Total);
        Assert.Equal(0, Assert.Single(later.Batches).Remaining);
    });
}
