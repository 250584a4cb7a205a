using Vouchers.Contracts;

namespace Vouchers.Grains.VoucherLifecycle;

/// <summary>Persisted state of one voucher. Expired is never stored: it is derived from the issue's expiry instant.</summary>
[GenerateSerializer]
public sealed class VoucherState
{
    [Id(0)] public VoucherIssue? Issue { get; set; }

    /// <summary>Claimed, Used, SubsidyApplied, Redeemed or Returned.</summary>
    [Id(1)] public VoucherStatus Status { get; set; }

    [Id(2)] public string? InstitutionId { get; set; }

    [Id(3)] public DateTimeOffset? UsedAt { get; set; }

    [Id(4)] public string? ApplicationId { get; set; }

    [Id(5)] public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>Offline or online, from the use on.</summary>
    [Id(6)] public UseMode? UseMode { get; set; }

    [Id(7)] public string? CourseId { get; set; }

    [Id(8)] public string? ClassId { get; set; }

    /// <summary>Events of the last change not yet known to be in the event store (<see cref="Events.EventOutbox"/>).</summary>
    [Id(9)] public List<VoucherEvent> Outbox { get; set; } = [];
}
