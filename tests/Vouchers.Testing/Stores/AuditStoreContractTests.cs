using Vouchers.Contracts;
using Vouchers.Grains.Audit;

namespace Vouchers.Testing.Stores;

/// <summary>
/// What every <see cref="IAuditStore"/> must do, whatever keeps the rows. A test project derives from this class once
/// per implementation. Every test reads only records of its own actors, so a store may be shared between tests.
/// </summary>
public abstract class AuditStoreContractTests
{
    private static readonly DateTimeOffset Start = new(2030, 9, 1, 8, 0, 0, TimeSpan.FromHours(8));

    protected abstract Task<IAuditStore> CreateStoreAsync();

    [Fact]
    public async Task AnAppendedRecordComesBackWithEveryFieldByteForByteAndAnIdOfItsOwn()
    {
        var store = await CreateStoreAsync();
        var actor = NewId("k");
        var full = new AuditRecord(0, Start.AddTicks(1_234_567), actor, AuditActions.BatchUpdate, "b-7qk2m9xr4t1p", "440304",
            """{"status":"active","quantity":100,"note":"引号 \" 和, 逗号"}""", """{"status":"paused", "quantity":120}""", "2001:db8::1");
        var creation = new AuditRecord(0, Start.AddMinutes(1), actor, AuditActions.ChannelCreate, "bank-app", "", null, """{"channelId":"bank-app"}""", null);

        var storedFull = await store.AppendAsync(full);
        var storedCreation = await store.AppendAsync(creation);

        Assert.True(storedFull.Id > 0 && storedCreation.Id > storedFull.Id, "the store assigns increasing ids");
        Assert.Equal(full with { Id = storedFull.Id, OccurredAt = Start.AddTicks(1_234_560) }, storedFull);
        var page = await store.QueryAsync("", new AuditQuery(Actor: actor));
        Assert.Null(page.Next);
        Assert.Equal([storedCreation, storedFull], page.Records.ToArray());
        Assert.Equal(creation with { Id = storedCreation.Id }, page.Records[0]);
    }

    [Fact]
    public async Task AnAdminSeesTheRecordsWhoseRegionStartsWithItsPrefix()
    {
        var store = await CreateStoreAsync();
        var actor = NewId("k");
        foreach (var region in new[] { "", "11", "44", "4403", "440304", "4401" })
        {
            await store.AppendAsync(Record(actor, Start, region: region, target: "t-" + (region.Length == 0 ? "national" : region)));
        }

        async Task<string[]> RegionsAsync(string prefix) =>
            [.. (await store.QueryAsync(prefix, new AuditQuery(Actor: actor))).Records.Select(r => r.RegionCode).Order(StringComparer.Ordinal)];

        Assert.Equal(["", "11", "44", "4401", "4403", "440304"], await RegionsAsync(""));
        Assert.Equal(["44", "4401", "4403", "440304"], await RegionsAsync("44"));
        Assert.Equal(["4403", "440304"], await RegionsAsync("4403"));
        Assert.Equal(["440304"], await RegionsAsync("440304"));
        Assert.Equal(["11"], await RegionsAsync("11"));
        Assert.Empty(await RegionsAsync("12"));
    }

    [Fact]
    public async Task FiltersSelectByActorActionTargetAndPeriodWithTheStartIncludedAndTheEndExcluded()
    {
        var store = await CreateStoreAsync();
        var (alice, bob) = (NewId("k"), NewId("k"));
        await store.AppendAsync(Record(alice, Start, AuditActions.BatchCreate, "b-one"));
        await store.AppendAsync(Record(alice, Start.AddMinutes(1), AuditActions.BatchActivate, "b-one"));
        await store.AppendAsync(Record(bob, Start.AddMinutes(2), AuditActions.BatchPause, "b-one"));
        await store.AppendAsync(Record(alice, Start.AddMinutes(3), AuditActions.BatchActivate, "b-two"));

        async Task<DateTimeOffset[]> TimesAsync(AuditQuery query) =>
            [.. (await store.QueryAsync("", query)).Records.Where(r => r.Actor == alice || r.Actor == bob).Select(r => r.OccurredAt)];

        Assert.Equal([Start.AddMinutes(3), Start.AddMinutes(1), Start], await TimesAsync(new AuditQuery(Actor: alice)));
        Assert.Equal([Start.AddMinutes(2)], await TimesAsync(new AuditQuery(Actor: bob)));
        Assert.Equal([Start.AddMinutes(3), Start.AddMinutes(1)], await TimesAsync(new AuditQuery(Actor: alice, Action: AuditActions.BatchActivate)));
        Assert.Equal([Start.AddMinutes(3)], await TimesAsync(new AuditQuery(Actor: alice, TargetId: "b-two")));
        Assert.Equal([Start.AddMinutes(2), Start.AddMinutes(1)],
            await TimesAsync(new AuditQuery(From: Start.AddMinutes(1), To: Start.AddMinutes(3), TargetId: "b-one")));
        Assert.Empty(await TimesAsync(new AuditQuery(Actor: alice, Action: AuditActions.BatchClose)));
    }

    [Fact]
    public async Task FollowingTheCursorsListsEveryRecordOnceNewestFirstEvenWithinOneInstant()
    {
        var store = await CreateStoreAsync();
        var actor = NewId("k");
        for (var i = 0; i < 23; i++)
        {
            // Groups of records at the same instant: the id orders them.
            await store.AppendAsync(Record(actor, Start.AddSeconds(i / 4), target: $"t-{i:00}"));
        }

        var seen = new List<string>();
        var query = new AuditQuery(Actor: actor, Limit: 5);
        var pages = 0;
        while (true)
        {
            var page = await store.QueryAsync("", query);
            pages++;
            seen.AddRange(page.Records.Select(r => r.TargetId));
            if (page.Next is null)
            {
                break;
            }

            Assert.Equal(5, page.Records.Length);
            query = query with { After = page.Next };
        }

        Assert.Equal(5, pages);
        Assert.Equal(Enumerable.Range(0, 23).Reverse().Select(i => $"t-{i:00}"), seen);
    }

    [Theory]
    [InlineData("not.an-action", "44", "{}")]
    [InlineData(AuditActions.BatchCreate, "4", "{}")]
    [InlineData(AuditActions.BatchCreate, "44a", "{}")]
    [InlineData(AuditActions.BatchCreate, "44", "[1,2]")]
    [InlineData(AuditActions.BatchCreate, "44", "{\"unclosed\":")]
    [InlineData(AuditActions.BatchCreate, "44", "\"text\"")]
    public async Task ARecordBreakingTheRulesIsRefusedAndNotStored(string action, string region, string after)
    {
        var store = await CreateStoreAsync();
        var actor = NewId("k");

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.AppendAsync(
            new AuditRecord(0, Start, actor, action, "b-one", region, null, after, "127.0.0.1")));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.AppendAsync(
            Record(actor, Start) with { After = "{\"huge\":\"" + new string('x', AuditRules.MaxEssentialsLength) + "\"}" }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.AppendAsync(Record(actor, Start) with { Actor = "" }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.AppendAsync(Record(actor, Start) with { TargetId = "a\0b" }));

        Assert.Empty((await store.QueryAsync("", new AuditQuery(Actor: actor))).Records);
    }

    /// <summary>Unique across test runs and stores, so tests never see each other's rows.</summary>
    protected static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..30];

    protected static AuditRecord Record(string actor, DateTimeOffset at, string action = AuditActions.BatchActivate, string target = "b-one", string region = "44") =>
        new(0, at, actor, action, target, region, """{"status":"draft"}""", """{"status":"active"}""", "10.0.0.7");
}
