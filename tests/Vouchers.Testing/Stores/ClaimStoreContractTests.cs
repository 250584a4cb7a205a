using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Grains.Claims;
using Vouchers.Grains.Events;

namespace Vouchers.Testing.Stores;

/// <summary>
/// What every <see cref="IClaimStore"/> must do, whatever keeps the rows. A test project derives from this class once
/// per implementation. Every test uses its own batch, people and codes, so a store may be shared between tests.
/// </summary>
public abstract class ClaimStoreContractTests
{
    private static readonly DateTimeOffset Start = new(2030, 9, 1, 8, 0, 0, TimeSpan.FromHours(8));

    protected abstract Task<IClaimStore> CreateStoreAsync();

    /// <summary>The outbox the stores of <see cref="CreateStoreAsync"/> write their claims' events to.</summary>
    protected abstract IEventStore Events { get; }

    [Fact]
    public async Task AClaimAndItsReturnAreStoredWithTheirEventsAndARefusedAppendOrReturnWritesNone()
    {
        var store = await CreateStoreAsync();
        var profile = new ClaimantProfile("440305", 36, Gender.Female, "unemployed");
        var claim = NewClaim(NewId("batch"), NewId("person")) with { Profile = profile };
        var refused = NewClaim(claim.BatchId, claim.PersonKey, claimedAt: Start.AddMinutes(1));
        var returnedAt = Start.AddHours(2);

        Assert.Equal(AppendOutcome.Stored, await store.AppendAsync(claim));
        Assert.Equal(AppendOutcome.PersonHasLiveClaim, await store.AppendAsync(refused));
        Assert.True(await store.MarkReturnedAsync(claim.Code, returnedAt, "channel-2"));
        Assert.False(await store.MarkReturnedAsync(claim.Code, returnedAt.AddMinutes(1), "channel-3"));
        Assert.False(await store.MarkReturnedAsync(refused.Code, returnedAt, "channel-2"));

        var events = (await Events.ReadAsync(EventCursor.Start, 1_000_000)).Where(e => e.Event.BatchId == claim.BatchId).ToList();
        Assert.Equal(2, events.Count);
        Assert.True(events[0].Position < events[1].Position);
        Assert.Equal(new VoucherEvent($"claimed/{claim.Code}", EventKind.Claimed, claim.ClaimedAt, claim.BatchId, ActorKind.Channel, claim.ChannelId,
            claim.Code, claim.PersonKey, profile, claim.ChannelId, Amount: claim.SubsidyAmount), events[0].Event);
        Assert.Equal(new VoucherEvent($"returned/{claim.Code}", EventKind.Returned, returnedAt, claim.BatchId, ActorKind.Channel, "channel-2",
            claim.Code, claim.PersonKey, profile, claim.ChannelId, Amount: claim.SubsidyAmount), events[1].Event);
    }

    [Fact]
    public async Task EventsAppendedTwiceAreStoredOnceAndReadInOrderAfterACursor()
    {
        var batchId = NewId("batch");
        var at = Start.AddDays(1);
        VoucherEvent Event(int n) => new($"test/{batchId}/{n}", EventKind.Used, at.AddSeconds(n), batchId, ActorKind.Institution, "inst-1",
            InstitutionId: "inst-1", Mode: UseMode.Online, ApplicationId: n % 2 == 0 ? null : "app-1");
        var facts = new VoucherEvent($"test/{batchId}/facts", EventKind.BatchDefined, at, batchId, ActorKind.Admin, "admin-1",
            Batch: new BatchFacts("电工 \"初级\"", "program-1", "4403", "就业补助资金", 1000, 800.5m, BatchStatus.Draft));

        await Events.AppendAsync([facts, Event(1), Event(2)]);
        await Events.AppendAsync([Event(2), Event(3), facts]);

        var all = (await Events.ReadAsync(EventCursor.Start, 1_000_000)).Where(e => e.Event.BatchId == batchId).ToList();
        Assert.Equal([facts, Event(1), Event(2), Event(3)], all.Select(e => e.Event));
        var after = await Events.ReadAsync(all[1].Position, 2);
        Assert.Equal([Event(2), Event(3)], after.Select(e => e.Event).Where(e => e.BatchId == batchId));
    }

    [Fact]
    public async Task ClaimsAreWalkedInExpiryOrderAndTheSweepWritesOneExpiredEventForEachClaimNeitherUsedNorReturned()
    {
        var store = await CreateStoreAsync();
        var batchId = NewId("batch");
        var instant = new DateTimeOffset(2090, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(Random.Shared.Next(1_000_000)); // no other test's claims expire near it
        var profile = new ClaimantProfile("440305", 52, Gender.Male, "");
        StoredClaim Claim(int hours) => NewClaim(batchId, NewId("person")) with { ExpiresAt = instant.AddHours(hours), Profile = profile };
        var (first, tied, returned, used, later) = (Claim(1), Claim(1), Claim(2), Claim(3), Claim(5));
        foreach (var claim in new[] { later, used, returned, tied, first })
        {
            Assert.Equal(AppendOutcome.Stored, await store.AppendAsync(claim));
        }

        Assert.True(await store.MarkReturnedAsync(returned.Code, instant, "channel-1"));
        await Events.AppendAsync([new VoucherEvent(ClaimEvents.UsedId(used.Code), EventKind.Used, instant, batchId, ActorKind.Institution, "inst-1",
            used.Code, used.PersonKey, profile, used.ChannelId, "inst-1", Mode: UseMode.Offline)]);

        // The walk: by expiry instant, then by code; a step starts after where the last one ended.
        var start = new ExpiryPosition(instant, "");
        var through = instant.AddHours(4);
        var inOrder = new[] { first, tied }.OrderBy(c => c.Code, StringComparer.Ordinal).Append(returned).Append(used).Select(c => c.Code).ToList();
        var step1 = await store.ListExpiringAsync(start, through, 3);
        var step2 = await store.ListExpiringAsync(new ExpiryPosition(step1[^1].ExpiresAt, step1[^1].Code), through, 3);
        Assert.Equal(inOrder, [.. step1.Concat(step2).Select(c => c.Code)]);
        Assert.Equal(returned.ExpiresAt, step1[^1].ExpiresAt);
        Assert.NotNull(step1[^1].ReturnedAt);

        // The sweep writes the Expired events of the two unused, unreturned claims; a second sweep writes nothing new.
        var (reached, expired, walked) = await ExpirySweep.StepAsync(store, Events, start, through, 100);
        Assert.Equal((new ExpiryPosition(used.ExpiresAt, used.Code), 2, 4), (reached, expired, walked));
        await ExpirySweep.StepAsync(store, Events, start, through, 1);
        await ExpirySweep.StepAsync(store, Events, start, through, 100);
        var stored = (await Events.ReadAsync(EventCursor.Start, 1_000_000))
            .Where(e => e.Event.BatchId == batchId && e.Event.Kind == EventKind.Expired).Select(e => e.Event).ToList();
        Assert.Equal(
            [.. new[] { first, tied }.Select(c => new VoucherEvent($"expired/{c.Code}", EventKind.Expired, c.ExpiresAt, batchId, ActorKind.System, "",
                c.Code, c.PersonKey, profile, c.ChannelId, Amount: c.SubsidyAmount)).OrderBy(e => e.Id, StringComparer.Ordinal)],
            stored.OrderBy(e => e.Id, StringComparer.Ordinal));

        // Nothing is due after the last claim expiring by then.
        Assert.Empty(await store.ListExpiringAsync(reached, through, 100));
    }

    [Fact]
    public async Task AppendedClaimIsFoundByCodePersonAndShardAndCounted()
    {
        var store = await CreateStoreAsync();
        var claim = NewClaim(NewId("batch"), NewId("person"), shard: 3);

        Assert.Equal(AppendOutcome.Stored, await store.AppendAsync(claim));

        AssertSameClaim(claim, await store.GetAsync(claim.Code));
        AssertSameClaim(claim, await store.FindLiveAsync(claim.BatchId, claim.PersonKey));
        AssertSameClaim(claim, Assert.Single(await store.ListByPersonAsync(claim.PersonKey)));
        var shardClaim = Assert.Single(await store.LoadShardAsync(claim.BatchId, 3));
        Assert.Equal(new ShardClaim(claim.Code, claim.PersonKey, claim.ChannelId, claim.RequestId, claim.ProgramId, claim.HolderName,
            claim.SubsidyAmount, claim.ClaimedAt, claim.ExpiresAt, false), shardClaim);
        Assert.Equal(new ClaimCounts(1, 0), await store.CountAsync(claim.BatchId));

        Assert.Null(await store.GetAsync(NewId("code")));
        Assert.Null(await store.FindLiveAsync(claim.BatchId, NewId("person")));
        Assert.Null(await store.FindLiveAsync(NewId("batch"), claim.PersonKey));
        Assert.Empty(await store.ListByPersonAsync(NewId("person")));
        Assert.Empty(await store.LoadShardAsync(claim.BatchId, 2));
        Assert.Equal(new ClaimCounts(0, 0), await store.CountAsync(NewId("batch")));
    }

    [Fact]
    public async Task SecondLiveClaimOfAPersonInTheSameBatchIsRefusedAndNotWritten()
    {
        var store = await CreateStoreAsync();
        var first = NewClaim(NewId("batch"), NewId("person"));
        var second = NewClaim(first.BatchId, first.PersonKey, claimedAt: Start.AddMinutes(1));

        Assert.Equal(AppendOutcome.Stored, await store.AppendAsync(first));
        Assert.Equal(AppendOutcome.PersonHasLiveClaim, await store.AppendAsync(second));

        Assert.Null(await store.GetAsync(second.Code));
        Assert.Equal(first.Code, (await store.FindLiveAsync(first.BatchId, first.PersonKey))?.Code);
        Assert.Equal(first.Code, Assert.Single(await store.ListByPersonAsync(first.PersonKey)).Code);
        Assert.Equal(new ClaimCounts(1, 0), await store.CountAsync(first.BatchId));
    }

    [Fact]
    public async Task SamePersonMayHoldALiveClaimInEachBatch()
    {
        var store = await CreateStoreAsync();
        var person = NewId("person");
        var inFirstBatch = NewClaim(NewId("batch"), person);
        var inSecondBatch = NewClaim(NewId("batch"), person, claimedAt: Start.AddMinutes(1));

        Assert.Equal(AppendOutcome.Stored, await store.AppendAsync(inFirstBatch));
        Assert.Equal(AppendOutcome.Stored, await store.AppendAsync(inSecondBatch));

        Assert.Equal(inFirstBatch.Code, (await store.FindLiveAsync(inFirstBatch.BatchId, person))?.Code);
        Assert.Equal(inSecondBatch.Code, (await store.FindLiveAsync(inSecondBatch.BatchId, person))?.Code);
        Assert.Equal([inSecondBatch.Code, inFirstBatch.Code], (await store.ListByPersonAsync(person)).Select(c => c.Code));
    }

    [Fact]
    public async Task AfterItsClaimIsReturnedThePersonMayClaimAgainOnce()
    {
        var store = await CreateStoreAsync();
        var first = NewClaim(NewId("batch"), NewId("person"), shard: 1);
        var returnedAt = Start.AddHours(2);
        var again = NewClaim(first.BatchId, first.PersonKey, shard: 1, claimedAt: Start.AddHours(3));
        var third = NewClaim(first.BatchId, first.PersonKey, shard: 1, claimedAt: Start.AddHours(4));

        Assert.Equal(AppendOutcome.Stored, await store.AppendAsync(first));
        Assert.True(await store.MarkReturnedAsync(first.Code, returnedAt, "channel-1"));
        Assert.False(await store.MarkReturnedAsync(first.Code, returnedAt.AddMinutes(1), "channel-1"));
        Assert.False(await store.MarkReturnedAsync(NewId("code"), returnedAt, "channel-1"));
        Assert.Null(await store.FindLiveAsync(first.BatchId, first.PersonKey));

        Assert.Equal(AppendOutcome.Stored, await store.AppendAsync(again));
        Assert.Equal(AppendOutcome.PersonHasLiveClaim, await store.AppendAsync(third));

        Assert.Equal(returnedAt, (await store.GetAsync(first.Code))?.ReturnedAt);
        Assert.Equal(again.Code, (await store.FindLiveAsync(first.BatchId, first.PersonKey))?.Code);
        var history = await store.ListByPersonAsync(first.PersonKey);
        Assert.Equal([again.Code, first.Code], history.Select(c => c.Code));
        Assert.Equal([null, returnedAt], history.Select(c => c.ReturnedAt));
        Assert.Equal(
            [(first.Code, true), (again.Code, false)],
            (await store.LoadShardAsync(first.BatchId, 1)).Select(c => (c.Code, c.Returned)).OrderBy(c => c.Returned ? 0 : 1));
        Assert.Equal(new ClaimCounts(2, 1), await store.CountAsync(first.BatchId));
    }

    [Fact]
    public async Task ACodeThatIsTakenIsRefusedInAnyBatchAndNotWritten()
    {
        var store = await CreateStoreAsync();
        var original = NewClaim(NewId("batch"), NewId("person"));
        var sameBatch = NewClaim(original.BatchId, NewId("person")) with { Code = original.Code };
        var otherBatch = NewClaim(NewId("batch"), NewId("person")) with { Code = original.Code };

        Assert.Equal(AppendOutcome.Stored, await store.AppendAsync(original));
        Assert.Equal(AppendOutcome.CodeTaken, await store.AppendAsync(sameBatch));
        Assert.Equal(AppendOutcome.CodeTaken, await store.AppendAsync(otherBatch));

        AssertSameClaim(original, await store.GetAsync(original.Code));
        Assert.Null(await store.FindLiveAsync(sameBatch.BatchId, sameBatch.PersonKey));
        Assert.Null(await store.FindLiveAsync(otherBatch.BatchId, otherBatch.PersonKey));
        Assert.Equal(new ClaimCounts(1, 0), await store.CountAsync(original.BatchId));
        Assert.Equal(new ClaimCounts(0, 0), await store.CountAsync(otherBatch.BatchId));
    }

    [Fact]
    public async Task ConcurrentAppendsStoreExactlyOneLiveClaimPerPerson()
    {
        const int Appends = 2_000;
        const int People = 1_500;
        const int Shards = 4;
        var store = await CreateStoreAsync();
        var batchId = NewId("batch");
        var people = Enumerable.Range(0, People).Select(i => NewId($"person{i}")).ToArray();
        var random = new Random(20300901);
        // Everybody once, then random repeats, all in a shuffled order.
        var claims = Enumerable.Range(0, Appends)
            .Select(i => NewClaim(batchId, people[i < People ? i : random.Next(People)], shard: i % Shards))
            .OrderBy(_ => random.Next())
            .ToArray();

        var outcomes = await Task.WhenAll(claims.Select(claim => Task.Run(() => store.AppendAsync(claim))));

        var stored = claims.Zip(outcomes).Where(c => c.Second == AppendOutcome.Stored).Select(c => c.First).ToList();
        Assert.Equal(People, stored.Count);
        Assert.Equal(People, stored.Select(c => c.PersonKey).Distinct().Count());
        Assert.All(outcomes, outcome => Assert.NotEqual(AppendOutcome.CodeTaken, outcome));
        Assert.Equal(new ClaimCounts(People, 0), await store.CountAsync(batchId));
        var shards = await Task.WhenAll(Enumerable.Range(0, Shards).Select(shard => store.LoadShardAsync(batchId, shard)));
        Assert.Equal(stored.Select(c => c.Code).Order(StringComparer.Ordinal), shards.SelectMany(s => s).Select(c => c.Code).Order(StringComparer.Ordinal));
        foreach (var claim in stored.Take(50))
        {
            Assert.Equal(claim.Code, (await store.FindLiveAsync(batchId, claim.PersonKey))?.Code);
        }
    }

    [Fact]
    public async Task ARegisteredQuantityCapsLiveClaimsUnderConcurrencyAndAReturnFreesAUnit()
    {
        const int Quantity = 50;
        var store = await CreateStoreAsync();
        var batchId = NewId("batch");
        Assert.True(await store.SetQuantityAsync(batchId, Quantity));
        // Four shards believing they hold 40 units each: 160 claimants for 50 units.
        var claims = Enumerable.Range(0, 160).Select(i => NewClaim(batchId, NewId($"person{i}"), shard: i % 4)).ToArray();

        var outcomes = await Task.WhenAll(claims.Select(claim => Task.Run(() => store.AppendAsync(claim))));

        Assert.Equal(Quantity, outcomes.Count(o => o == AppendOutcome.Stored));
        Assert.All(outcomes, o => Assert.Contains(o, new[] { AppendOutcome.Stored, AppendOutcome.NoStock }));
        Assert.Equal(new ClaimCounts(Quantity, 0), await store.CountAsync(batchId));
        var refused = claims.Zip(outcomes).First(c => c.Second == AppendOutcome.NoStock).First;
        Assert.Null(await store.GetAsync(refused.Code));

        var holder = claims.Zip(outcomes).First(c => c.Second == AppendOutcome.Stored).First;
        Assert.True(await store.MarkReturnedAsync(holder.Code, Start.AddHours(1), "channel-1"));
        Assert.Equal(AppendOutcome.Stored, await store.AppendAsync(refused));
        Assert.Equal(AppendOutcome.NoStock, await store.AppendAsync(NewClaim(batchId, NewId("person"))));
        Assert.Equal(new ClaimCounts(Quantity + 1, 1), await store.CountAsync(batchId));
    }

    [Fact]
    public async Task AQuantityCountsTheLiveClaimsStoredBeforeItAndCannotDropBelowThem()
    {
        var store = await CreateStoreAsync();
        var batchId = NewId("batch");
        var claims = Enumerable.Range(0, 5).Select(i => NewClaim(batchId, NewId($"person{i}"))).ToArray();
        foreach (var claim in claims)
        {
            Assert.Equal(AppendOutcome.Stored, await store.AppendAsync(claim)); // not registered yet: not guarded
        }

        Assert.True(await store.MarkReturnedAsync(claims[0].Code, Start.AddHours(1), "channel-1"));

        Assert.False(await store.SetQuantityAsync(batchId, 3)); // four are live
        Assert.True(await store.SetQuantityAsync(batchId, 5));
        Assert.Equal(AppendOutcome.Stored, await store.AppendAsync(NewClaim(batchId, NewId("person"))));
        Assert.Equal(AppendOutcome.NoStock, await store.AppendAsync(NewClaim(batchId, NewId("person"))));
        Assert.False(await store.SetQuantityAsync(batchId, 4));
        Assert.True(await store.SetQuantityAsync(batchId, 6));
        Assert.Equal(AppendOutcome.Stored, await store.AppendAsync(NewClaim(batchId, NewId("person"))));
        Assert.Equal(new ClaimCounts(7, 1), await store.CountAsync(batchId));
    }

    [Fact]
    public async Task EveryFieldRoundTripsExactly()
    {
        var store = await CreateStoreAsync();
        var batchId = NewId("batch");
        var full = new StoredClaim(
            Code: NewId("code"),
            BatchId: batchId,
            Shard: 17,
            PersonKey: NewId("person"),
            ChannelId: "channel-支付宝",
            RequestId: NewId("request"),
            ProgramId: "program/2030 \"autumn\"",
            HolderName: "欧阳 O'Brien-Nuñez",
            HolderIdNumber: "44030419900101123X",
            SubsidyAmount: 9_999_999_999.99m,
            ClaimedAt: new DateTimeOffset(2030, 9, 1, 23, 59, 59, TimeSpan.FromHours(8)).AddTicks(1_234_560),
            ExpiresAt: new DateTimeOffset(2031, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_990),
            EligibleInstitutionIds: ["inst-1", "inst,2", "in \"st\" {3}", "NULL", "", "机构-4"],
            Profile: new ClaimantProfile("659001", 59, Gender.Male, "migrant-worker"));
        var minimal = new StoredClaim(
            NewId("code"), batchId, 0, NewId("person"), "c", "r", "p", "n", "i", 0.01m,
            new DateTimeOffset(1999, 12, 31, 16, 0, 0, TimeSpan.FromHours(-5)).AddTicks(10),
            new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero),
            []);
        var returnedAt = new DateTimeOffset(2030, 10, 1, 12, 0, 0, TimeSpan.FromHours(8)).AddTicks(5_000_010);

        Assert.Equal(AppendOutcome.Stored, await store.AppendAsync(full));
        Assert.Equal(AppendOutcome.Stored, await store.AppendAsync(minimal));
        Assert.True(await store.MarkReturnedAsync(minimal.Code, returnedAt, "channel-1"));

        AssertSameClaim(full, await store.GetAsync(full.Code));
        AssertSameClaim(full, await store.FindLiveAsync(batchId, full.PersonKey));
        AssertSameClaim(minimal with { ReturnedAt = returnedAt }, await store.GetAsync(minimal.Code));
        AssertSameClaim(minimal with { ReturnedAt = returnedAt }, Assert.Single(await store.ListByPersonAsync(minimal.PersonKey)));
        var shardClaim = Assert.Single(await store.LoadShardAsync(batchId, 17));
        Assert.Equal(full.ExpiresAt, shardClaim.ExpiresAt);
        Assert.Equal(new ClaimCounts(2, 1), await store.CountAsync(batchId));
    }

    /// <summary>Unique across test runs and stores, so tests never see each other's rows.</summary>
    protected static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    protected static StoredClaim NewClaim(string batchId, string personKey, int shard = 0, DateTimeOffset? claimedAt = null)
    {
        var at = claimedAt ?? Start;
        return new StoredClaim(
            NewId("code"), batchId, shard, personKey, "channel-1", NewId("request"), "program-1", "张三", "440304199001011234",
            300.00m, at, at.AddDays(30), ["inst-1", "inst-2"]);
    }

    /// <summary>Field by field: record equality would compare the institution arrays by reference.</summary>
    protected static void AssertSameClaim(StoredClaim expected, StoredClaim? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Code, actual.Code);
        Assert.Equal(expected.BatchId, actual.BatchId);
        Assert.Equal(expected.Shard, actual.Shard);
        Assert.Equal(expected.PersonKey, actual.PersonKey);
        Assert.Equal(expected.ChannelId, actual.ChannelId);
        Assert.Equal(expected.RequestId, actual.RequestId);
        Assert.Equal(expected.ProgramId, actual.ProgramId);
        Assert.Equal(expected.HolderName, actual.HolderName);
        Assert.Equal(expected.HolderIdNumber, actual.HolderIdNumber);
        Assert.Equal(expected.Profile, actual.Profile);
        Assert.Equal(expected.SubsidyAmount, actual.SubsidyAmount);
        Assert.Equal(expected.ClaimedAt, actual.ClaimedAt);
        Assert.Equal(expected.ExpiresAt, actual.ExpiresAt);
        Assert.Equal<string>(expected.EligibleInstitutionIds, actual.EligibleInstitutionIds);
        Assert.Equal(expected.ReturnedAt, actual.ReturnedAt);
    }
}
