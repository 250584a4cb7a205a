using Vouchers.Claims;
using Vouchers.Contracts;
using Vouchers.Domain;

namespace Vouchers.Grains.Tests.Infrastructure;

/// <summary>Builders of valid definitions and requests; every call makes fresh keys so tests never share grains.</summary>
internal static class TestData
{
    public const string InstitutionA = "inst-a";
    public const string InstitutionB = "inst-b";
    public const string OtherInstitution = "inst-z";
    public const string ChannelA = "channel-a";
    public const string ChannelB = "channel-b";
    public const decimal Subsidy = 800m;

    /// <summary>Born 1990-05-17 in Shenzhen's Nanshan district.</summary>
    public static PersonProfile Adult { get; } = new(new DateOnly(1990, 5, 17), "440305", Gender.Female);

    public static string NewBatchId() => Identifiers.NewId("b");

    /// <summary>In production the key is an HMAC of the ID number; any unique string does here.</summary>
    public static string NewPersonKey() => $"person-{Guid.NewGuid():N}";

    public static string NewRequestId() => Guid.NewGuid().ToString("N");

    /// <summary>A valid batch whose claim window is open at <paramref name="now"/> for 30 days.</summary>
    public static BatchDefinition Batch(DateTimeOffset now, int quantity = 10) => new()
    {
        Title = "Electrician, basic level",
        ProgramId = "electrician-basic",
        RegionCode = "4403",
        EligibleInstitutionIds = [InstitutionA, InstitutionB],
        ClaimOpensAt = now.AddHours(-1),
        ClaimClosesAt = now.AddDays(30),
        DaysValidAfterClaim = 30,
        Quantity = quantity,
        SubsidyAmount = Subsidy,
        FundingSource = "employment-subsidy-fund",
    };

    public static ClaimRequest Claim(
        string batchId,
        string personKey,
        string channelId = ChannelA,
        string? requestId = null,
        bool commitment = true,
        PersonProfile? person = null) =>
        new(batchId, personKey, person ?? Adult, "张*", "4403**********123X", channelId, requestId ?? NewRequestId(), commitment, []);

    public static async Task<string> CreateBatchAsync(this IGrainFactory grains, BatchDefinition definition, bool activate = true)
    {
        var id = NewBatchId();
        var batch = grains.GetGrain<IBatchGrain>(id);
        Assert.Equal(BatchCommandStatus.Done, (await batch.CreateAsync(definition)).Status);
        if (activate)
        {
            Assert.Equal(BatchCommandStatus.Done, (await batch.ActivateAsync()).Status);
        }

        return id;
    }

    public static async Task<BatchCounters> CountersAsync(this IGrainFactory grains, string batchId)
    {
        var snapshot = await grains.GetGrain<IBatchGrain>(batchId).GetAsync();
        Assert.NotNull(snapshot);
        return snapshot.Counters;
    }

    public static async Task<VoucherView> VoucherAsync(this IGrainFactory grains, string code)
    {
        var view = await grains.GetGrain<IVoucherGrain>(code).GetAsync();
        Assert.NotNull(view);
        return view;
    }

    /// <summary>Claims as the gateway does: through the stock shard that owns the person's slot of the batch.</summary>
    public static Task<ClaimResult> ClaimAsync(this IGrainFactory grains, ClaimRequest request) =>
        new ClaimRouter(grains).ClaimAsync(request);

    /// <summary>Claims and insists that it worked; returns the new code.</summary>
    public static async Task<string> ClaimCodeAsync(this IGrainFactory grains, ClaimRequest request)
    {
        var result = await grains.ClaimAsync(request);
        Assert.Equal(ClaimOutcome.Claimed, result.Outcome);
        Assert.NotNull(result.Voucher);
        return result.Voucher.Code;
    }
}
