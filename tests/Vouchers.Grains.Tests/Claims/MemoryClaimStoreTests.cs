using Vouchers.Grains.Claims;
using Vouchers.Testing.Stores;

namespace Vouchers.Grains.Tests.Claims;

/// <summary>The zero-setup store keeps the same rules as the PostgreSQL one.</summary>
public sealed class MemoryClaimStoreTests : ClaimStoreContractTests
{
    protected override Task<IClaimStore> CreateStoreAsync() => Task.FromResult<IClaimStore>(new MemoryClaimStore());
}
