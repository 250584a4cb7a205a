using Vouchers.Contracts;

namespace Vouchers.Grains.Subsidies;

[GenerateSerializer]
public sealed class SubsidyApplicationState
{
    [Id(0)] public string? InstitutionId { get; set; }

    [Id(1)] public string BatchId { get; set; } = "";

    [Id(2)] public string RegionCode { get; set; } = "";

    [Id(3)] public SubsidyApplicationStatus Status { get; set; }

    /// <summary>At most <see cref="SubsidyApplicationLimits.MaxCodes"/> lines.</summary>
    [Id(4)] public List<SubsidyLine> Lines { get; set; } = [];

    [Id(5)] public DateTimeOffset SubmittedAt { get; set; }

    [Id(6)] public DateTimeOffset? DisbursedAt { get; set; }

    /// <summary>Events of the last review or disbursement not yet known to be in the event store (<see cref="Events.EventOutbox"/>).</summary>
    [Id(7)] public List<VoucherEvent> Outbox { get; set; } = [];
}
