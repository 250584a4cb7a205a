using Vouchers.Contracts;

namespace Vouchers.Grains.CheckIns;

[GenerateSerializer]
public sealed class ClassSessionState
{
    [Id(0)] public ClassSessionDefinition? Definition { get; set; }

    [Id(1)] public DateTimeOffset PublishedAt { get; set; }

    /// <summary>Person key → that person's one check-in; at most <see cref="Domain.CheckInRules.MaxCheckInsPerSession"/>.</summary>
    [Id(2)] public Dictionary<string, CheckInView> CheckIns { get; set; } = [];

    /// <summary>Events of the last check-in not yet known to be in the event store (<see cref="Events.EventOutbox"/>).</summary>
    [Id(3)] public List<VoucherEvent> Outbox { get; set; } = [];
}

/// <summary>A session as its class lists it: enough to order the sessions and count those held without asking them.</summary>
[GenerateSerializer, Immutable, Alias("ClassSessionEntry")]
public sealed record ClassSessionEntry(
    [property: Id(0)] string SessionId,
    [property: Id(1)] DateTimeOffset StartsAt);

[GenerateSerializer]
public sealed class TrainingClassState
{
    /// <summary>In order of their start; at most <see cref="Domain.CheckInRules.MaxSessionsPerClass"/>.</summary>
    [Id(0)] public List<ClassSessionEntry> Sessions { get; set; } = [];
}

[GenerateSerializer]
public sealed class VoucherAttendanceState
{
    /// <summary>At most <see cref="Domain.CheckInRules.MaxClassesPerVoucher"/>.</summary>
    [Id(0)] public List<string> ClassIds { get; set; } = [];
}
