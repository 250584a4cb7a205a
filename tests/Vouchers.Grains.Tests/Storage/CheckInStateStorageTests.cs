using Vouchers.Contracts;
using Vouchers.Grains.CheckIns;
using Vouchers.Grains.Storage;
using Vouchers.Grains.Tests.Infrastructure;

namespace Vouchers.Grains.Tests.Storage;

/// <summary>The check-in grains' state survives the JSON the storage writes, person keys and all.</summary>
public sealed class CheckInStateStorageTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    private readonly JsonGrainStorageSerializer serializer = new();

    [Fact]
    public void ASessionWithItsCheckInsRoundTrips()
    {
        var personKey = "4F9A" + new string('c', 60);
        var state = new ClassSessionState
        {
            Definition = new ClassSessionDefinition("electrician-2026-spring", null, "接线 第一课", At, At.AddHours(3)),
            PublishedAt = At.AddDays(-2),
            CheckIns =
            {
                [personKey] = new CheckInView("cs-1", "sz-skills-school", "electrician-2026-spring", "7K3M9XR4T1PQ8WZ2B", "张**",
                    "4403**********2319", At.AddMinutes(-12), 102.2, null, "national-app", "face"),
            },
        };

        var read = serializer.Deserialize<ClassSessionState>(serializer.Serialize(state));

        Assert.Equal(state.Definition, read.Definition);
        Assert.Equal(state.PublishedAt, read.PublishedAt);
        Assert.Equal(state.CheckIns[personKey], Assert.Single(read.CheckIns, c => c.Key == personKey).Value);
    }

    [Fact]
    public void AClassAndAVoucherIndexRoundTrip()
    {
        var listing = new TrainingClassState { Sessions = [new("cs-1", At), new("cs-2", At.AddDays(7))] };
        var index = new VoucherAttendanceState { ClassIds = ["electrician-2026-spring", "safety-basics"] };

        Structural.Equal(listing, serializer.Deserialize<TrainingClassState>(serializer.Serialize(listing)));
        Structural.Equal(index, serializer.Deserialize<VoucherAttendanceState>(serializer.Serialize(index)));
    }
}
