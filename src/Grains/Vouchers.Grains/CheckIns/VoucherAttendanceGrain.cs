using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Vouchers.Domain;
using Vouchers.Grains.Storage;

namespace Vouchers.Grains.CheckIns;

/// <summary>The classes a voucher's holder checked in to at one institution: an index, written once per class.</summary>
internal sealed partial class VoucherAttendanceGrain(
    [PersistentState("attendance", StorageNames.Vouchers)] IPersistentState<VoucherAttendanceState> state,
    ILogger<VoucherAttendanceGrain> logger) : Grain, IVoucherAttendanceGrain
{
    public async Task AddClassAsync(string classId)
    {
        var classes = state.State.ClassIds;
        if (classes.Contains(classId))
        {
            return;
        }

        if (classes.Count >= CheckInRules.MaxClassesPerVoucher)
        {
            // The check-in itself is recorded by its session; only the lookup by voucher misses this class.
            LogIndexFull(this.GetPrimaryKeyString(), classId);
            return;
        }

        classes.Add(classId);
        await state.WriteStateAsync();
    }

    public Task<ImmutableArray<string>> ListClassesAsync() => Task.FromResult(state.State.ClassIds.ToImmutableArray());

    [LoggerMessage(Level = LogLevel.Warning, Message = "Voucher attendance {Key} lists the most classes it may; class {ClassId} is not indexed")]
    private partial void LogIndexFull(string key, string classId);
}
