using Vouchers.Grains.Claims;
using Vouchers.Grains.Events;
using Vouchers.Testing.Stores;

namespace Vouchers.Grains.Tests.Claims;

/// <summary>The zero-setup store keeps the same rules as the PostgreSQL one.</summary>
public sealed class MemoryClaimStoreTests : ClaimStoreContractTests
{
    private readonly MemoryEventStore events = new();

    protected override IEventStore Events => events;

    protected override Task<IClaimStore> CreateStoreAsync() => Task.FromResult<IClaimStore>(new MemoryClaimStore(events));
}
