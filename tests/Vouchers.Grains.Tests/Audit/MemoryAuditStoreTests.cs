using Vouchers.Contracts;
using Vouchers.Grains.Audit;
using Vouchers.Testing.Stores;

namespace Vouchers.Grains.Tests.Audit;

/// <summary>The zero-setup audit store keeps the same rules as the PostgreSQL one, and a cap.</summary>
public sealed class MemoryAuditStoreTests : AuditStoreContractTests
{
    private static readonly DateTimeOffset Start = new(2030, 9, 1, 0, 0, 0, TimeSpan.Zero);

    protected override Task<IAuditStore> CreateStoreAsync() => Task.FromResult<IAuditStore>(new MemoryAuditStore());

    [Fact]
    public async Task OnlyTheNewestRecordsUpToTheCapAreKept()
    {
        var store = new MemoryAuditStore(capacity: 3);
        var actor = NewId("k");
        for (var i = 0; i < 5; i++)
        {
            await store.AppendAsync(Record(actor, Start.AddSeconds(i), target: $"t-{i}"));
        }

        var kept = (await store.QueryAsync("", new AuditQuery(Limit: 100))).Records;
        Assert.Equal(["t-4", "t-3", "t-2"], kept.Select(r => r.TargetId));
    }
}
