using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Vouchers.Contracts;
using Vouchers.Grains.Claims;
using Vouchers.Grains.Events;
using Vouchers.Http.Contracts;
using Vouchers.Testing;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>What the claim store does with appends: take them all, refuse them all, or refuse every other one.</summary>
public enum AppendPolicy
{
    Accept,
    RefuseAll,
    RefuseEveryOther,
}

/// <summary>
/// The in-memory claim store behind a switch that makes it answer as a PostgreSQL store with a full queue does:
/// <see cref="AppendOutcome.Busy"/>, nothing written. Accepted appends complete asynchronously, as a group
/// commit does, so claims overlap in the stock shards.
/// </summary>
public sealed class SwitchableClaimStore : IClaimStore
{
    private int appends;
    private int refused;

    public MemoryClaimStore Inner { get; } = new(new MemoryEventStore());

    public AppendPolicy Policy { get; set; }

    /// <summary>Appends refused since the policy was last set through <see cref="Use"/>.</summary>
    public int Refused => Volatile.Read(ref refused);

    public void Use(AppendPolicy policy)
    {
        Policy = policy;
        Interlocked.Exchange(ref appends, 0);
        Interlocked.Exchange(ref refused, 0);
    }

    public async Task<AppendOutcome> AppendAsync(StoredClaim claim, CancellationToken cancellationToken = default)
    {
        var n = Interlocked.Increment(ref appends);
        if (Policy == AppendPolicy.RefuseAll || (Policy == AppendPolicy.RefuseEveryOther && n % 2 == 0))
        {
            Interlocked.Increment(ref refused);
            return AppendOutcome.Busy;
        }

        await Task.Yield();
        return await Inner.AppendAsync(claim, cancellationToken);
    }

    public Task<StoredClaim?> GetAsync(string code, CancellationToken cancellationToken = default) => Inner.GetAsync(code, cancellationToken);

    public Task<StoredClaim?> FindLiveAsync(string batchId, string personKey, CancellationToken cancellationToken = default) =>
        Inner.FindLiveAsync(batchId, personKey, cancellationToken);

    public Task<IReadOnlyList<StoredClaim>> ListByPersonAsync(string personKey, CancellationToken cancellationToken = default) =>
        Inner.ListByPersonAsync(personKey, cancellationToken);

    public Task<IReadOnlyList<ShardClaim>> LoadShardAsync(string batchId, int shard, CancellationToken cancellationToken = default) =>
        Inner.LoadShardAsync(batchId, shard, cancellationToken);

    public Task<bool> MarkReturnedAsync(string code, DateTimeOffset at, string returnedBy, CancellationToken cancellationToken = default) =>
        Inner.MarkReturnedAsync(code, at, returnedBy, cancellationToken);

    public Task<ClaimCounts> CountAsync(string batchId, CancellationToken cancellationToken = default) => Inner.CountAsync(batchId, cancellationToken);

    public Task<bool> SetQuantityAsync(string batchId, int quantity, CancellationToken cancellationToken = default) =>
        Inner.SetQuantityAsync(batchId, quantity, cancellationToken);

    public Task<IReadOnlyList<StoredClaim>> ListExpiringAsync(ExpiryPosition after, DateTimeOffset through, int max, CancellationToken cancellationToken = default) =>
        Inner.ListExpiringAsync(after, through, max, cancellationToken);
}

/// <summary>The zero-setup gateway whose co-hosted silo stores claims in a <see cref="SwitchableClaimStore"/>.</summary>
public sealed class SwitchableClaimStoreGatewayFactory : GatewayFactory
{
    public SwitchableClaimStore Store { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);

        // The silo shares the web host's services and adds its own store only if none is registered.
        builder.ConfigureTestServices(services => services.AddSingleton<IClaimStore>(Store));
    }
}

/// <summary>
/// A claim store that refuses work (its queue is full) makes the claim answer 503 with Retry-After and leaves
/// nothing behind: the unit reserved for the claim goes back to stock, so a retry gets it.
/// </summary>
public sealed class ClaimStoreBusyTests(SwitchableClaimStoreGatewayFactory gateway) : IClassFixture<SwitchableClaimStoreGatewayFactory>
{
    private const string Unavailable = "urn:vouchers:problem:unavailable";
    private static readonly TimeSpan RetryPatience = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(200);

    private readonly HttpClient admin = gateway.ClientFor(Demo.AdminGuangdong);
    private readonly HttpClient channel = gateway.ClientFor(Demo.ChannelNationalApp);
    private readonly HttpClient institution = gateway.ClientFor(Demo.InstitutionSzSkillsSchool);

    private SwitchableClaimStore Store => gateway.Store;

    [Fact]
    public async Task AClaimTheStoreRefusesAnswers503WithRetryAfterStoresNothingAndTheSameRequestLaterGetsTheUnit()
    {
        // One unit only: had the refused claims kept it, the retry would find the batch sold out.
        var batch = await admin.CreateActiveBatchAsync(VoucherApi.NewBatch(quantity: 1));
        var person = TestPerson.New();
        var request = VoucherApi.Claim(person, batch.Id);

        Store.Use(AppendPolicy.RefuseAll);
        try
        {
            for (var attempt = 0; attempt < 2; attempt++)
            {
                var refused = await channel.PostJsonAsync("/api/v1/channel/claims", request with { Attestation = VoucherApi.FreshAttestation() });
                await AssertRefusedAsync(refused);
            }

            Assert.Equal(2, Store.Refused);
        }
        finally
        {
            Store.Use(AppendPolicy.Accept);
        }

        var untouched = (await admin.GetBatchAsync(batch.Id)).Counters;
        Assert.Equal((0, 1, 0), (untouched.Claimed, untouched.Remaining, untouched.Returned));
        Assert.Empty(await WalletAsync(person));
        Assert.Equal(new ClaimCounts(0, 0), await Store.CountAsync(batch.Id));

        var accepted = await channel.PostJsonAsync("/api/v1/channel/claims", request with { Attestation = VoucherApi.FreshAttestation() });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.False(accepted.Headers.Contains("Idempotent-Replayed"), "nothing was claimed before, so nothing is replayed");
        var voucher = await VoucherApi.ReadAsync<VoucherView>(accepted);
        Assert.Equal((batch.Id, VoucherStatus.Claimed), (voucher.BatchId, voucher.Status));

        var counters = (await admin.GetBatchAsync(batch.Id)).Counters;
        Assert.Equal((1, 0), (counters.Claimed, counters.Remaining));
        Assert.Equal(voucher.Code, Assert.Single(await WalletAsync(person)).Code);
        Assert.Equal(new ClaimCounts(1, 0), await Store.CountAsync(batch.Id));
        Assert.True((await institution.VerifyAsync(voucher.Code)).Valid);

        // The unit was given back once per refusal, not more: the batch of one is sold out now.
        await AssertSoldOutAsync(await channel.PostJsonAsync("/api/v1/channel/claims", VoucherApi.Claim(TestPerson.New(), batch.Id)));
    }

    [Theory]
    [InlineData(60)] // more people than units: those refused give their unit to the next in line
    [InlineData(20)] // as many people as units: every refused person must get a unit on retry
    public async Task ABurstWhileTheStoreRefusesEveryOtherAppendEndsWithTheWholeQuantityClaimedOnceTheRefusedRetry(int people)
    {
        const int quantity = 20;
        var batch = await admin.CreateActiveBatchAsync(VoucherApi.NewBatch(quantity));
        var requests = Enumerable.Range(0, people).Select(_ => VoucherApi.Claim(TestPerson.New(), batch.Id)).ToArray();
        var codes = new Dictionary<string, string>(StringComparer.Ordinal);

        Store.Use(AppendPolicy.RefuseEveryOther);
        HttpResponseMessage[] burst;
        int refusedAppends;
        try
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var sending = requests.Select(async r =>
            {
                await start.Task;
                return await channel.PostJsonAsync("/api/v1/channel/claims", r);
            }).ToArray();
            start.SetResult();
            burst = await Task.WhenAll(sending);
            refusedAppends = Store.Refused;
        }
        finally
        {
            Store.Use(AppendPolicy.Accept);
        }

        var refused = new List<ClaimBody>();
        for (var i = 0; i < people; i++)
        {
            switch (burst[i].StatusCode)
            {
                case HttpStatusCode.OK:
                    Assert.True(codes.TryAdd(requests[i].IdNumber!, (await VoucherApi.ReadAsync<VoucherView>(burst[i])).Code));
                    break;
                case HttpStatusCode.ServiceUnavailable:
                    await AssertRefusedAsync(burst[i]);
                    refused.Add(requests[i]);
                    break;
                default:
                    await AssertSoldOutAsync(burst[i]);
                    break;
            }
        }

        // Every refusal of the store, and nothing else, was answered 503; what was acknowledged is exactly what is stored.
        Assert.True(refusedAppends > 0, "the store refused some appends");
        Assert.Equal(refusedAppends, refused.Count);
        Assert.Equal(codes.Count, (await Store.CountAsync(batch.Id)).Live);
        Assert.Equal(codes.Count, (await admin.GetBatchAsync(batch.Id)).Counters.Claimed);

        // The refused requests come again, unchanged, until the batch is sold out: the units they were refused with
        // are all still there. A shard that found no stock a moment ago answers "sold out" until it asks the batch
        // again (Claims:SoldOutRecheck), so a request told so is sent again in the next round.
        var waiting = refused;
        await Poll.UntilAsync(async () =>
        {
            var next = new List<ClaimBody>();
            foreach (var request in waiting)
            {
                var retried = await channel.PostJsonAsync("/api/v1/channel/claims", request with { Attestation = VoucherApi.FreshAttestation() });
                if (retried.StatusCode == HttpStatusCode.OK)
                {
                    Assert.True(codes.TryAdd(request.IdNumber!, (await VoucherApi.ReadAsync<VoucherView>(retried)).Code));
                }
                else
                {
                    await AssertSoldOutAsync(retried);
                    next.Add(request);
                }
            }

            waiting = next;
            return codes.Count >= quantity || waiting.Count == 0;
        }, RetryPatience, () => $"the last {quantity - codes.Count} units to be claimed by {waiting.Count} retrying requests", RetryInterval);

        Assert.Equal(quantity, codes.Count);
        Assert.Equal(quantity, codes.Values.Distinct().Count());
        var counters = (await admin.GetBatchAsync(batch.Id)).Counters;
        Assert.Equal((quantity, 0, 0), (counters.Claimed, counters.Remaining, counters.Returned));
        Assert.Equal(new ClaimCounts(quantity, 0), await Store.CountAsync(batch.Id));
    }

    private async Task<IReadOnlyList<VoucherView>> WalletAsync(TestPerson person) => (await channel.WalletAsync(person)).Vouchers;

    private static async Task AssertSoldOutAsync(HttpResponseMessage response)
    {
        var problem = await VoucherApi.ProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("urn:vouchers:problem:sold-out", problem.GetProperty("type").GetString());
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        var problem = await VoucherApi.ProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(Unavailable, problem.GetProperty("type").GetString());
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {response.Headers.RetryAfter}");
    }
}
