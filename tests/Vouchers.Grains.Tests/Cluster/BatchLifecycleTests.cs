using Vouchers.Contracts;
using Vouchers.Grains.Batches;
using Vouchers.Grains.Tests.Infrastructure;

namespace Vouchers.Grains.Tests.Cluster;

[Collection(GrainCluster.Name)]
public sealed class BatchLifecycleTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task ABatchGoesFromDraftToActiveToPausedToActiveToClosed()
    {
        var definition = TestData.Batch(fixture.Time.GetUtcNow());
        var id = TestData.NewBatchId();
        var batch = Grains.GetGrain<IBatchGrain>(id);

        var created = await batch.CreateAsync(definition);
        Assert.Equal(BatchCommandStatus.Done, created.Status);
        Assert.Equal(BatchStatus.Draft, created.Batch!.Status);
        Assert.Equal(new BatchCounters(10, 0, 0, 0, 0, 0, 10, 0m, 0m), created.Batch.Counters);
        Assert.Equal(fixture.Time.GetUtcNow(), created.Batch.CreatedAt);

        foreach (var (step, expected) in new (Func<Task<BatchCommandResult>>, BatchStatus)[]
                 {
                     (batch.ActivateAsync, BatchStatus.Active),
                     (batch.PauseAsync, BatchStatus.Paused),
                     (batch.ActivateAsync, BatchStatus.Active),
                     (batch.CloseAsync, BatchStatus.Closed),
                 })
        {
            var result = await step();
            Assert.Equal(BatchCommandStatus.Done, result.Status);
            Assert.Equal(expected, result.Batch!.Status);
            Assert.Equal(expected, (await batch.GetAsync())!.Status);
        }

        var listed = Assert.Single(await Grains.GetGrain<IBatchCatalogGrain>(BatchCatalogGrain.Key).ListAsync(), s => s.Id == id);
        Assert.Equal(BatchStatus.Closed, listed.Status);
        Assert.Equal(definition.Title, listed.Title);
    }

    [Fact]
    public async Task ADraftBatchCannotBePausedAndRefusesClaims()
    {
        var id = await Grains.CreateBatchAsync(TestData.Batch(fixture.Time.GetUtcNow()), activate: false);
        var batch = Grains.GetGrain<IBatchGrain>(id);

        var paused = await batch.PauseAsync();
        var claim = await Grains.ClaimAsync(TestData.Claim(id, TestData.NewPersonKey()));

        Assert.Equal(BatchCommandStatus.InvalidTransition, paused.Status);
        Assert.Equal(ClaimOutcome.BatchNotActive, claim.Outcome);
        Assert.Null(claim.Voucher);
        var snapshot = await batch.GetAsync();
        Assert.Equal(BatchStatus.Draft, snapshot!.Status);
        Assert.Equal(0, snapshot.Counters.Claimed);
    }

    [Fact]
    public async Task APausedBatchRefusesClaimsUntilItIsActivatedAgain()
    {
        var id = await Grains.CreateBatchAsync(TestData.Batch(fixture.Time.GetUtcNow()));
        var batch = Grains.GetGrain<IBatchGrain>(id);
        var person = TestData.NewPersonKey();
        await batch.PauseAsync();

        var whilePaused = await Grains.ClaimAsync(TestData.Claim(id, person));
        Assert.Equal(ClaimOutcome.BatchNotActive, whilePaused.Outcome);
        Assert.Empty(await Grains.GetGrain<IPersonLedgerGrain>(person).GetWalletAsync(TestData.ChannelA));

        await batch.ActivateAsync();
        var afterwards = await Grains.ClaimAsync(TestData.Claim(id, person));

        Assert.Equal(ClaimOutcome.Claimed, afterwards.Outcome);
        Assert.Equal(1, (await Grains.CountersAsync(id)).Claimed);
    }

    [Fact]
    public async Task AClosedBatchCannotBeReopenedChangedOrClaimed()
    {
        var definition = TestData.Batch(fixture.Time.GetUtcNow());
        var id = await Grains.CreateBatchAsync(definition);
        var batch = Grains.GetGrain<IBatchGrain>(id);
        var holder = TestData.NewPersonKey();
        await Grains.ClaimCodeAsync(TestData.Claim(id, holder));
        Assert.Equal(BatchCommandStatus.Done, (await batch.CloseAsync()).Status);

        Assert.Equal(BatchCommandStatus.InvalidTransition, (await batch.ActivateAsync()).Status);
        Assert.Equal(BatchCommandStatus.InvalidTransition, (await batch.PauseAsync()).Status);
        Assert.Equal(BatchCommandStatus.InvalidTransition, (await batch.UpdateAsync(definition with { Title = "Renamed" })).Status);
        Assert.Equal(BatchCommandStatus.InvalidTransition, (await batch.AddQuantityAsync(5)).Status);
        var claim = await Grains.ClaimAsync(TestData.Claim(id, TestData.NewPersonKey()));
        Assert.Equal(ClaimOutcome.BatchNotActive, claim.Outcome);

        var snapshot = await batch.GetAsync();
        Assert.Equal(BatchStatus.Closed, snapshot!.Status);
        Structural.Equal(definition, snapshot.Definition);
        Assert.Equal(1, snapshot.Counters.Claimed);
        Assert.Equal(9, snapshot.Counters.Remaining);
    }

    [Fact]
    public async Task AnInvalidDefinitionCreatesNothingAndASecondCreateIsRefused()
    {
        var definition = TestData.Batch(fixture.Time.GetUtcNow());
        var id = TestData.NewBatchId();
        var batch = Grains.GetGrain<IBatchGrain>(id);

        var invalid = await batch.CreateAsync(definition with { Quantity = 0 });
        Assert.Equal(BatchCommandStatus.Invalid, invalid.Status);
        Assert.Contains("quantity", invalid.Detail, StringComparison.Ordinal);
        Assert.Null(await batch.GetAsync());
        Assert.Equal(BatchCommandStatus.NotFound, (await batch.ActivateAsync()).Status);

        Assert.Equal(BatchCommandStatus.Done, (await batch.CreateAsync(definition)).Status);
        var again = await batch.CreateAsync(definition with { Title = "Another" });

        Assert.Equal(BatchCommandStatus.AlreadyExists, again.Status);
        Assert.Equal(definition.Title, (await batch.GetAsync())!.Definition.Title);
    }

    [Fact]
    public async Task AddingQuantityReopensASoldOutBatch()
    {
        var id = await Grains.CreateBatchAsync(TestData.Batch(fixture.Time.GetUtcNow(), quantity: 1));
        await Grains.ClaimCodeAsync(TestData.Claim(id, TestData.NewPersonKey()));
        var late = TestData.NewPersonKey();
        Assert.Equal(ClaimOutcome.SoldOut, (await Grains.ClaimAsync(TestData.Claim(id, late))).Outcome);

        var added = await Grains.GetGrain<IBatchGrain>(id).AddQuantityAsync(1);

        Assert.Equal(BatchCommandStatus.Done, added.Status);
        Assert.Equal(ClaimOutcome.Claimed, (await Grains.ClaimAsync(TestData.Claim(id, late))).Outcome);
        var counters = await Grains.CountersAsync(id);
        Assert.Equal((2, 2, 0), (counters.Quantity, counters.Claimed, counters.Remaining));
    }
}
