using Vouchers.Contracts;
using Vouchers.Grains.Tests.Infrastructure;

namespace Vouchers.Grains.Tests.Cluster;

[Collection(GrainCluster.Name)]
public sealed class GrainReferenceTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task GrainGivesTheReferenceOrleansGivesBeforeAndAfterItHasLearntTheTypes()
    {
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(fixture.Time.GetUtcNow()));
        var code = await Grains.ClaimCodeAsync(TestData.Claim(batchId, TestData.NewPersonKey()));

        // The first call may learn the types, every later one builds the reference from them.
        foreach (var key in new[] { code, code, "NEVER-ISSUED-1", "NEVER-ISSUED-2" })
        {
            var expected = (GrainReference)(object)Grains.GetGrain<IVoucherGrain>(key);
            var actual = (GrainReference)(object)Grains.Grain<IVoucherGrain>(key);
            Assert.Equal((expected.GrainId, expected.InterfaceType), (actual.GrainId, actual.InterfaceType));
        }

        Assert.Equal(VerifyVerdict.Valid, (await Grains.Grain<IVoucherGrain>(code).VerifyAsync(TestData.InstitutionA)).Verdict);

        // A generic interface is learnt per closed type: two registries never share a grain type.
        var institutions = (GrainReference)(object)Grains.Grain<IRegistryGrain<Institution>>("same-key");
        var programs = (GrainReference)(object)Grains.Grain<IRegistryGrain<TrainingProgram>>("same-key");
        Assert.Equal(((GrainReference)(object)Grains.GetGrain<IRegistryGrain<Institution>>("same-key")).GrainId, institutions.GrainId);
        Assert.Equal(((GrainReference)(object)Grains.GetGrain<IRegistryGrain<TrainingProgram>>("same-key")).GrainId, programs.GrainId);
        Assert.Equal(institutions.GrainId, ((GrainReference)(object)Grains.Grain<IRegistryGrain<Institution>>("same-key")).GrainId);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void AnEmptyKeyIsRefusedLikeOrleansRefusesIt(string key)
    {
        _ = Grains.Grain<IVoucherGrain>("learn-the-types");
        Assert.ThrowsAny<ArgumentException>(() => Grains.Grain<IVoucherGrain>(key));
    }
}
