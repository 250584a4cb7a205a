using Vouchers.Contracts;

namespace Vouchers.Grains.Tests.Infrastructure;

/// <summary>The plain offline use most grain tests make: the institution uses the voucher, no clerk, course or class.</summary>
internal static class VoucherUses
{
    public static Task<VoucherCommandResult> UseAsync(this IVoucherGrain voucher, string institutionId) =>
        voucher.UseAsync(new VoucherUse(institutionId, UseMode.Offline));
}
