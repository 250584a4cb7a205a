using System.Collections.Immutable;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Grains.Storage;

namespace Vouchers.Grains.CheckIns;

/// <summary>
/// A class: the list of its sessions. It keeps no check-ins and no counters of its own; attendance is counted from
/// the sessions when it is read (one call per session, at most <see cref="CheckInRules.MaxSessionsPerClass"/>), so
/// nothing can drift from the check-ins themselves.
/// </summary>
internal sealed class TrainingClassGrain(
    [PersistentState("class", StorageNames.Vouchers)] IPersistentState<TrainingClassState> state,
    TimeProvider time) : Grain, ITrainingClassGrain
{
    private string InstitutionId => CheckInKeys.Parse(this.GetPrimaryKeyString()).InstitutionId;

    private string ClassId => CheckInKeys.Parse(this.GetPrimaryKeyString()).Id;

    public async Task<SessionPublishResult> PublishSessionAsync(string sessionId, ClassSessionDefinition definition)
    {
        if (definition.ClassId != ClassId)
        {
            return new(SessionPublishStatus.Invalid, Detail: $"The session belongs to class '{definition.ClassId}', not '{ClassId}'.", Field: "classId");
        }

        var sessions = state.State.Sessions;
        var listed = sessions.Exists(s => s.SessionId == sessionId);
        if (!listed && sessions.Count >= CheckInRules.MaxSessionsPerClass)
        {
            return new(SessionPublishStatus.ClassFull);
        }

        // Published first, listed second: a retry after a failed write here finds the session published and lists it.
        var result = await Session(sessionId).PublishAsync(definition);
        if (!listed && result.Status is SessionPublishStatus.Published or SessionPublishStatus.AlreadyPublished)
        {
            sessions.Add(new ClassSessionEntry(sessionId, definition.StartsAt));
            sessions.Sort((a, b) => a.StartsAt != b.StartsAt ? a.StartsAt.CompareTo(b.StartsAt) : string.CompareOrdinal(a.SessionId, b.SessionId));
            await state.WriteStateAsync();
        }

        return result;
    }

    public async Task<ImmutableArray<ClassSessionView>> ListSessionsAsync()
    {
        var views = await Task.WhenAll(state.State.Sessions.Select(s => Session(s.SessionId).GetAsync()));
        return [.. views.OfType<ClassSessionView>()];
    }

    public async Task<ClassAttendance?> GetAttendanceAsync(string? voucherCode)
    {
        var sessions = state.State.Sessions;
        if (sessions.Count == 0)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var held = sessions.Count(s => CheckInRules.IsHeld(now, s.StartsAt));
        var attendances = await Task.WhenAll(sessions.Select(s => Session(s.SessionId).GetAttendanceAsync()));
        var vouchers = attendances
            .OfType<SessionAttendance>()
            .SelectMany(a => a.CheckIns)
            .Where(c => voucherCode is null || c.VoucherCode == voucherCode)
            .GroupBy(c => c.VoucherCode, StringComparer.Ordinal)
            .Select(g =>
            {
                var latest = g.MaxBy(c => c.CheckedInAt)!;
                return new VoucherAttendance(g.Key, latest.HolderName, latest.HolderIdNumber,
                    g.Select(c => c.SessionId).Distinct(StringComparer.Ordinal).Count(), held,
                    g.Min(c => c.CheckedInAt), latest.CheckedInAt);
            })
            .OrderBy(v => v.VoucherCode, StringComparer.Ordinal);
        return new ClassAttendance(InstitutionId, ClassId, sessions.Count, held, [.. vouchers]);
    }

    private IClassSessionGrain Session(string sessionId) =>
        GrainFactory.Grain<IClassSessionGrain>(CheckInKeys.Session(InstitutionId, sessionId));
}
