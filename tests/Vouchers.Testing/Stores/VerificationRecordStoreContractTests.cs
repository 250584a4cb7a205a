using System.Collections.Immutable;
using Vouchers.Contracts;
using Vouchers.Grains.Records;

namespace Vouchers.Testing.Stores;

/// <summary>
/// What every <see cref="IVerificationRecordStore"/> must do, whatever keeps the rows. A test project derives from this
/// class once per implementation. Every test uses its own institutions, so a store may be shared between tests.
/// </summary>
public abstract class VerificationRecordStoreContractTests
{
    private static readonly DateTimeOffset Start = new(2030, 9, 1, 8, 0, 0, TimeSpan.FromHours(8));

    protected abstract Task<IVerificationRecordStore> CreateStoreAsync();

    [Fact]
    public async Task AppendedRecordsComeBackNewestFirstWithEveryFieldAndAnIdOfTheirOwn()
    {
        var store = await CreateStoreAsync();
        var institution = NewId("inst");
        var verify = Record(institution, Start, result: VerifyVerdict.Valid, clerk: "k-clerk-1", device: "gun 7");
        var use = new VerificationRecord(0, institution, Start.AddSeconds(30), RecordKind.Use, "ABCD…WXYZ", VerifyVerdict.Valid,
            "national-app", null, UseMode.Online, "electrician-101", "class-2030-09");
        var refused = Record(institution, Start.AddMinutes(1), result: VerifyVerdict.AlreadyUsed, clerk: null);

        await store.AppendAsync([verify, use]);
        await store.AppendAsync([refused]);

        var page = await store.QueryAsync(institution, new RecordQuery());
        Assert.Null(page.Next);
        Assert.Equal(3, page.Records.Length);
        Assert.All(page.Records, r => Assert.True(r.Id > 0, "the store assigns ids"));
        Assert.Equal(3, page.Records.Select(r => r.Id).Distinct().Count());
        Assert.Equal([refused with { Id = 0 }, use, verify], page.Records.Select(r => r with { Id = 0 }));
        Assert.True(page.Records[2].Id < page.Records[1].Id, "records appended in one call get ids in their order");
    }

    [Fact]
    public async Task AnInstitutionSeesOnlyItsOwnRecords()
    {
        var store = await CreateStoreAsync();
        var (mine, theirs, nobody) = (NewId("inst"), NewId("inst"), NewId("inst"));

        await store.AppendAsync([Record(mine, Start), Record(theirs, Start), Record(theirs, Start.AddSeconds(1)), Record(mine, Start.AddSeconds(2))]);

        Assert.All((await store.QueryAsync(mine, new RecordQuery())).Records, r => Assert.Equal(mine, r.InstitutionId));
        Assert.Equal(2, (await store.QueryAsync(mine, new RecordQuery())).Records.Length);
        Assert.Equal(2, (await store.QueryAsync(theirs, new RecordQuery())).Records.Length);
        var none = await store.QueryAsync(nobody, new RecordQuery());
        Assert.Empty(none.Records);
        Assert.Null(none.Next);
    }

    [Fact]
    public async Task FiltersSelectByKindResultAndPeriodWithTheStartIncludedAndTheEndExcluded()
    {
        var store = await CreateStoreAsync();
        var institution = NewId("inst");
        VerificationRecord[] records =
        [
            Record(institution, Start, result: VerifyVerdict.Valid),
            Record(institution, Start.AddMinutes(1), RecordKind.Use, VerifyVerdict.Valid),
            Record(institution, Start.AddMinutes(2), result: VerifyVerdict.AlreadyUsed),
            Record(institution, Start.AddMinutes(3), RecordKind.Use, VerifyVerdict.Expired),
            Record(institution, Start.AddMinutes(4), result: VerifyVerdict.Unknown),
        ];
        await store.AppendAsync(records);

        async Task<DateTimeOffset[]> TimesAsync(RecordQuery query) =>
            [.. (await store.QueryAsync(institution, query)).Records.Select(r => r.OccurredAt)];

        Assert.Equal([Start.AddMinutes(3), Start.AddMinutes(1)], await TimesAsync(new RecordQuery(Kind: RecordKind.Use)));
        Assert.Equal([Start.AddMinutes(1), Start], await TimesAsync(new RecordQuery(Result: VerifyVerdict.Valid)));
        Assert.Equal([Start], await TimesAsync(new RecordQuery(Kind: RecordKind.Verify, Result: VerifyVerdict.Valid)));
        Assert.Equal([Start.AddMinutes(3), Start.AddMinutes(2), Start.AddMinutes(1)],
            await TimesAsync(new RecordQuery(From: Start.AddMinutes(1), To: Start.AddMinutes(4))));
        Assert.Equal([Start.AddMinutes(4)], await TimesAsync(new RecordQuery(From: Start.AddMinutes(4))));
        Assert.Equal([Start], await TimesAsync(new RecordQuery(To: Start.AddMinutes(1))));
        Assert.Empty(await TimesAsync(new RecordQuery(From: Start.AddMinutes(5))));
        Assert.Empty(await TimesAsync(new RecordQuery(Kind: RecordKind.Use, Result: VerifyVerdict.Unknown)));
    }

    [Fact]
    public async Task PagesFollowEachOtherWithoutGapsOrDuplicatesEvenWhereRecordsShareAnInstant()
    {
        var store = await CreateStoreAsync();
        var institution = NewId("inst");
        // Eleven records over four instants, several sharing one: the id decides their order.
        var records = Enumerable.Range(0, 11).Select(i => Record(institution, Start.AddSeconds(i / 3), device: $"gun-{i}")).ToList();
        await store.AppendAsync(records[..6]);
        await store.AppendAsync(records[6..]);
        var all = (await store.QueryAsync(institution, new RecordQuery(Limit: 100))).Records;

        var paged = new List<VerificationRecord>();
        var query = new RecordQuery(Limit: 3);
        var pages = 0;
        while (true)
        {
            var page = await store.QueryAsync(institution, query);
            pages++;
            Assert.True(page.Records.Length <= 3);
            paged.AddRange(page.Records);
            if (page.Next is not { } next)
            {
                break;
            }

            Assert.Equal(3, page.Records.Length);
            Assert.Equal(new RecordCursor(page.Records[^1].OccurredAt, page.Records[^1].Id), next);
            query = query with { After = next };
        }

        Assert.Equal(4, pages);
        Assert.Equal(11, all.Length);
        Assert.Equal(all.Select(r => r.Id), paged.Select(r => r.Id));
        Assert.Equal(records.Select(r => r.DeviceId).Reverse(), paged.Select(r => r.DeviceId));
    }

    [Fact]
    public async Task APageThatTakesTheLastRecordsExactlyHasNoNextCursor()
    {
        var store = await CreateStoreAsync();
        var institution = NewId("inst");
        await store.AppendAsync([.. Enumerable.Range(0, 4).Select(i => Record(institution, Start.AddSeconds(i)))]);

        var first = await store.QueryAsync(institution, new RecordQuery(Limit: 2));
        var second = await store.QueryAsync(institution, new RecordQuery(After: first.Next, Limit: 2));

        Assert.NotNull(first.Next);
        Assert.Equal(2, second.Records.Length);
        Assert.Null(second.Next);
    }

    [Fact]
    public async Task FiltersAndTheCursorWorkTogether()
    {
        var store = await CreateStoreAsync();
        var institution = NewId("inst");
        await store.AppendAsync([.. Enumerable.Range(0, 10).Select(i =>
            Record(institution, Start.AddSeconds(i), i % 2 == 0 ? RecordKind.Use : RecordKind.Verify))]);

        var first = await store.QueryAsync(institution, new RecordQuery(Kind: RecordKind.Use, Limit: 3));
        var rest = await store.QueryAsync(institution, new RecordQuery(Kind: RecordKind.Use, After: first.Next, Limit: 3));

        Assert.Equal([8, 6, 4], first.Records.Select(r => (int)(r.OccurredAt - Start).TotalSeconds));
        Assert.Equal([2, 0], rest.Records.Select(r => (int)(r.OccurredAt - Start).TotalSeconds));
        Assert.Null(rest.Next);
    }

    [Fact]
    public async Task RecordsAppendedOutOfTimeOrderAreListedByTime()
    {
        var store = await CreateStoreAsync();
        var institution = NewId("inst");

        await store.AppendAsync([Record(institution, Start.AddMinutes(2), device: "b")]);
        await store.AppendAsync([Record(institution, Start, device: "a"), Record(institution, Start.AddMinutes(3), device: "c")]);

        Assert.Equal(["c", "b", "a"], (await store.QueryAsync(institution, new RecordQuery())).Records.Select(r => r.DeviceId));
    }

    [Fact]
    public async Task TimesAreKeptToWholeMicroseconds()
    {
        var store = await CreateStoreAsync();
        var institution = NewId("inst");
        var precise = Start.AddTicks(1_234_567); // 123.4567 ms

        await store.AppendAsync([Record(institution, precise)]);

        var stored = Assert.Single((await store.QueryAsync(institution, new RecordQuery())).Records);
        Assert.Equal(Start.AddTicks(1_234_560), stored.OccurredAt);
        Assert.Equal(VerificationRecord.Instant(precise), stored.OccurredAt);
    }

    [Fact]
    public async Task AGroupWithARecordNoStoreMayTakeIsRefusedWholeAndStoresNothing()
    {
        var store = await CreateStoreAsync();
        var institution = NewId("inst");

        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            store.AppendAsync([Record(institution, Start), Record(institution, Start, device: "nul\0inside")]));
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            store.AppendAsync([Record(institution, Start, device: new string('d', 65))]));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.AppendAsync([Record("", Start)]));

        Assert.Empty((await store.QueryAsync(institution, new RecordQuery())).Records);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(RecordQuery.MaxLimit + 1)]
    public async Task ALimitOutsideOneToTheMaximumIsRefused(int limit)
    {
        var store = await CreateStoreAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.QueryAsync(NewId("inst"), new RecordQuery(Limit: limit)));
    }

    [Fact]
    public async Task AnEmptyGroupStoresNothing()
    {
        var store = await CreateStoreAsync();
        var institution = NewId("inst");

        await store.AppendAsync(ImmutableArray<VerificationRecord>.Empty);

        Assert.Empty((await store.QueryAsync(institution, new RecordQuery())).Records);
    }

    protected static VerificationRecord Record(
        string institutionId, DateTimeOffset at, RecordKind kind = RecordKind.Verify, VerifyVerdict result = VerifyVerdict.Valid,
        string? clerk = "k-clerk", string? device = null) =>
        new(0, institutionId, at, kind, "ABCD…WXYZ", result, clerk, device, kind == RecordKind.Use ? UseMode.Offline : null);

    protected static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
