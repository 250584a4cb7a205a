using Vouchers.Contracts;

namespace Vouchers.Domain;

/// <summary>
/// Which of a person's vouchers they are enrolled with at an institution, for a check-in to one of its class sessions.
/// Enrolment is the use of a voucher there: a voucher <see cref="VoucherStatus.Used"/> at the institution, or
/// <see cref="VoucherStatus.SubsidyApplied"/> (the training goes on while the subsidy is applied for). Claimed,
/// returned, expired and redeemed vouchers enrol nobody, nor do vouchers used at another institution. When the
/// person names a voucher only that one counts; otherwise the one used last.
/// </summary>
public static class EnrolmentRules
{
    public static bool IsEnrolling(VoucherStatus status) => status is VoucherStatus.Used or VoucherStatus.SubsidyApplied;

    /// <summary>The voucher of <paramref name="wallet"/> the person is enrolled with at the institution, or null when none.</summary>
    public static EnrolledVoucher? Find(IEnumerable<VoucherView> wallet, string institutionId, string? voucherCode = null)
    {
        var enrolled = wallet
            .Where(v => v.InstitutionId == institutionId && IsEnrolling(v.Status))
            .Where(v => voucherCode is null || v.Code == voucherCode)
            .OrderByDescending(v => v.UsedAt)
            .FirstOrDefault();
        return enrolled is null ? null : new EnrolledVoucher(enrolled.Code, enrolled.HolderName, enrolled.HolderIdNumber, enrolled.BatchId, enrolled.ChannelId);
    }
}
