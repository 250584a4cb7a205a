using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vouchers.Contracts;
using Vouchers.Grains.Records;
using Vouchers.Testing;
using Vouchers.Testing.Stores;

namespace Vouchers.Grains.Tests.Records;

/// <summary>The silo's record writer: groups records, never makes a verification wait, and answers a use only once stored.</summary>
public sealed class VerificationRecordWriterTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2030, 9, 1, 1, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly GatedRecordStore store = new();
    private readonly string institution = $"inst-{Guid.NewGuid():N}";
    private VerificationRecordWriter writer = null!;

    public Task InitializeAsync()
    {
        writer = Create(new RecordOptions());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        store.Open();
        await writer.DisposeAsync();
    }

    [Fact]
    public async Task RecordsThatQueueWhileAGroupIsBeingStoredGoToTheStoreTogether()
    {
        var waiting = store.CloseAsync();
        Assert.True(writer.TryEnqueue(Record(0)));
        await waiting.WaitAsync(Patience); // the first group (one record) is at the store

        for (var i = 1; i <= 999; i++)
        {
            Assert.True(writer.TryEnqueue(Record(i)));
        }

        store.Open();
        await StoredAsync(1000);

        Assert.Equal(2, store.Appends);
        Assert.Equal(2, writer.Appends);
        Assert.Equal(0, writer.Dropped);
    }

    [Fact]
    public async Task AFullQueueDropsVerificationRecordsAtOnceAndCountsThem()
    {
        await using var small = Create(new RecordOptions { QueueCapacity = 4 });
        var waiting = store.CloseAsync();
        Assert.True(small.TryEnqueue(Record(0)));
        await waiting.WaitAsync(Patience);

        var accepted = Enumerable.Range(1, 6).Select(i => small.TryEnqueue(Record(i))).ToArray();

        Assert.Equal([true, true, true, true, false, false], accepted);
        Assert.Equal(2, small.Dropped);
        store.Open();
        await StoredAsync(5);
    }

    [Fact]
    public async Task AUseCompletesOnlyOnceItsRecordIsStored()
    {
        var waiting = store.CloseAsync();
        var use = writer.AppendAsync(Record(0, RecordKind.Use));
        await waiting.WaitAsync(Patience);

        Assert.False(use.IsCompleted);
        Assert.Empty((await store.QueryAsync(institution, new RecordQuery())).Records);

        store.Open();
        await use.WaitAsync(Patience);
        Assert.Equal(RecordKind.Use, Assert.Single((await store.QueryAsync(institution, new RecordQuery())).Records).Kind);
    }

    [Fact]
    public async Task AGroupTheStoreRefusesFailsTheUsesWaitingForItAndTheWriterGoesOn()
    {
        store.FailWith = new InvalidOperationException("the database is gone");
        var failed = writer.AppendAsync(Record(0, RecordKind.Use));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failed.WaitAsync(Patience));
        Assert.Equal("the database is gone", error.Message);

        store.FailWith = null;
        await writer.AppendAsync(Record(1, RecordKind.Use)).WaitAsync(Patience);
        Assert.Equal("gun-1", Assert.Single((await store.QueryAsync(institution, new RecordQuery())).Records).DeviceId);
    }

    [Fact]
    public async Task ARecordNoStoreWouldTakeIsRefusedBeforeItJoinsAGroup()
    {
        Assert.ThrowsAny<ArgumentException>(() => writer.TryEnqueue(Record(0) with { InstitutionId = "" }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => writer.AppendAsync(Record(0) with { CourseId = "a\0b" }));

        await writer.AppendAsync(Record(1)).WaitAsync(Patience);
        Assert.Single((await store.QueryAsync(institution, new RecordQuery())).Records);
    }

    [Fact]
    public async Task DisposingStoresWhatIsQueued()
    {
        var own = Create(new RecordOptions());
        var waiting = store.CloseAsync();
        own.TryEnqueue(Record(0));
        await waiting.WaitAsync(Patience);
        for (var i = 1; i < 50; i++)
        {
            own.TryEnqueue(Record(i));
        }

        store.Open();
        await own.DisposeAsync();

        Assert.Equal(50, (await store.QueryAsync(institution, new RecordQuery(Limit: 100))).Records.Length);
    }

    private VerificationRecordWriter Create(RecordOptions options) =>
        new(store, Options.Create(options), NullLogger<VerificationRecordWriter>.Instance);

    private VerificationRecord Record(int i, RecordKind kind = RecordKind.Verify) =>
        new(0, institution, Now.AddMilliseconds(i), kind, "ABCD…WXYZ", VerifyVerdict.Valid, "k-clerk", $"gun-{i}");

    private Task StoredAsync(int count) =>
        Poll.UntilAsync(CountAsync, stored => stored >= count, Patience, stored => $"{count} records to be stored (stored: {stored})");

    private async Task<int> CountAsync()
    {
        var total = 0;
        var query = new RecordQuery(Limit: RecordQuery.MaxLimit);
        while (true)
        {
            var page = await store.QueryAsync(institution, query);
            total += page.Records.Length;
            if (page.Next is null)
            {
                return total;
            }

            query = query with { After = page.Next };
        }
    }
}
