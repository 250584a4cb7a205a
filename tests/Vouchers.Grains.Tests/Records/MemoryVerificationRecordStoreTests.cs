using Vouchers.Contracts;
using Vouchers.Grains.Records;
using Vouchers.Testing.Stores;

namespace Vouchers.Grains.Tests.Records;

/// <summary>The zero-setup record store keeps the same rules as the PostgreSQL one, and a cap per institution.</summary>
public sealed class MemoryVerificationRecordStoreTests : VerificationRecordStoreContractTests
{
    private static readonly DateTimeOffset Start = new(2030, 9, 1, 0, 0, 0, TimeSpan.Zero);

    protected override Task<IVerificationRecordStore> CreateStoreAsync() => Task.FromResult<IVerificationRecordStore>(new MemoryVerificationRecordStore());

    [Fact]
    public async Task AnInstitutionKeepsOnlyItsNewestRecordsUpToTheCapWhileOthersKeepTheirs()
    {
        var store = new MemoryVerificationRecordStore(capPerInstitution: 5);
        var (busy, quiet) = (NewId("inst"), NewId("inst"));
        await store.AppendAsync([Record(quiet, Start, device: "quiet")]);

        for (var i = 0; i < 8; i++)
        {
            await store.AppendAsync([Record(busy, Start.AddSeconds(i), device: $"gun-{i}")]);
        }

        await store.AppendAsync([.. Enumerable.Range(8, 3).Select(i => Record(busy, Start.AddSeconds(i), device: $"gun-{i}"))]);

        var kept = (await store.QueryAsync(busy, new RecordQuery(Limit: 100))).Records;
        Assert.Equal(["gun-10", "gun-9", "gun-8", "gun-7", "gun-6"], kept.Select(r => r.DeviceId));
        Assert.Equal("quiet", Assert.Single((await store.QueryAsync(quiet, new RecordQuery())).Records).DeviceId);
    }
}
