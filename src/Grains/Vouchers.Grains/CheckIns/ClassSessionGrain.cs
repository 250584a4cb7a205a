using Microsoft.Extensions.Logging;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Grains.Events;
using Vouchers.Grains.Storage;

namespace Vouchers.Grains.CheckIns;

/// <summary>
/// A class session and its check-ins. The grain is not reentrant, so the check-ins of one session (a class arriving
/// at once) are taken one after the other: "once per person" is a plain dictionary lookup, and one state write is in
/// flight at a time. Each accepted check-in is written, with its event, before it is answered.
/// </summary>
internal sealed partial class ClassSessionGrain(
    [PersistentState("session", StorageNames.Vouchers)] IPersistentState<ClassSessionState> state,
    IEventStore events,
    TimeProvider time,
    ILogger<ClassSessionGrain> logger) : Grain, IClassSessionGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken) => events.FlushAsync(state.State.Outbox);

    // Registry entries are written once and never changed, so the copy read at the first check-in stays right.
    private Institution? institution;

    private string InstitutionId => CheckInKeys.Parse(this.GetPrimaryKeyString()).InstitutionId;

    private string SessionId => CheckInKeys.Parse(this.GetPrimaryKeyString()).Id;

    public async Task<SessionPublishResult> PublishAsync(ClassSessionDefinition definition)
    {
        if (state.State.Definition is { } published)
        {
            return new(published == definition ? SessionPublishStatus.AlreadyPublished : SessionPublishStatus.IdTaken, View());
        }

        if (CheckInRules.Validate(definition, now: null) is { Count: > 0 } errors)
        {
            var (field, messages) = errors.First();
            return new(SessionPublishStatus.Invalid, Detail: messages[0], Field: field);
        }

        state.State.Definition = definition;
        state.State.PublishedAt = time.GetUtcNow();
        await state.WriteStateAsync();
        LogPublished(InstitutionId, SessionId, definition.ClassId, definition.StartsAt);
        return new(SessionPublishStatus.Published, View());
    }

    public Task<ClassSessionView?> GetAsync() => Task.FromResult(state.State.Definition is null ? null : View());

    public async Task<CheckInResult> CheckInAsync(CheckInRequest request)
    {
        if (state.State.Definition is not { } definition)
        {
            return new(CheckInOutcome.SessionNotFound);
        }

        if (state.State.CheckIns.TryGetValue(request.PersonKey, out var first))
        {
            // The voucher's class index may have missed the first answer's write; recording it again is harmless.
            await RecordClassAsync(first.VoucherCode, definition.ClassId);
            return new(CheckInOutcome.AlreadyCheckedIn, first, View());
        }

        if (request.Voucher is not { } voucher)
        {
            return new(CheckInOutcome.NotEnrolled, Session: View());
        }

        var place = await InstitutionAsync();
        var now = time.GetUtcNow();
        // Rounded before the comparison, so the distance an answer shows is the one that was judged.
        var distance = Math.Round(Geo.DistanceMeters(place.Latitude, place.Longitude, request.Latitude, request.Longitude), 1);
        var outcome = CheckInRules.Evaluate(now, definition.StartsAt, definition.EndsAt, distance, place.RadiusMeters);
        if (outcome == CheckInOutcome.CheckedIn && state.State.CheckIns.Count >= CheckInRules.MaxCheckInsPerSession)
        {
            outcome = CheckInOutcome.SessionFull;
        }

        if (outcome != CheckInOutcome.CheckedIn)
        {
            LogRefused(InstitutionId, SessionId, outcome, distance);
            return new(outcome, Session: View(), DistanceMeters: distance, RadiusMeters: place.RadiusMeters);
        }

        var checkIn = new CheckInView(SessionId, InstitutionId, definition.ClassId, voucher.Code, voucher.HolderName, voucher.HolderIdNumber,
            now, distance, request.AccuracyMeters, request.ChannelId, request.AttestationMethod);
        state.State.CheckIns[request.PersonKey] = checkIn;
        // Counted under the voucher's batch, claim channel and this institution (the session knows no claimant profile).
        state.State.Outbox.Add(new VoucherEvent($"checked-in/{InstitutionId}/{SessionId}/{voucher.Code}", EventKind.CheckedIn, now,
            voucher.BatchId, ActorKind.Channel, request.ChannelId, voucher.Code, request.PersonKey, ChannelId: voucher.ChannelId,
            InstitutionId: InstitutionId));
        await state.WriteStateAsync();
        await events.FlushAsync(state.State.Outbox);
        await RecordClassAsync(voucher.Code, definition.ClassId);
        LogCheckedIn(InstitutionId, SessionId, Masking.MaskCode(voucher.Code), distance);
        return new(CheckInOutcome.CheckedIn, checkIn, View(), distance, place.RadiusMeters);
    }

    public Task<SessionAttendance?> GetAttendanceAsync() =>
        Task.FromResult(state.State.Definition is null
            ? null
            : new SessionAttendance(View(), [.. state.State.CheckIns.Values
                .OrderBy(c => c.CheckedInAt)
                .ThenBy(c => c.VoucherCode, StringComparer.Ordinal)]));

    private Task RecordClassAsync(string code, string classId) =>
        GrainFactory.Grain<IVoucherAttendanceGrain>(CheckInKeys.Voucher(InstitutionId, code)).AddClassAsync(classId);

    private async Task<Institution> InstitutionAsync() =>
        institution ??= await GrainFactory.Grain<IRegistryGrain<Institution>>(InstitutionId).GetAsync()
            ?? throw new InvalidOperationException($"Institution '{InstitutionId}' has a published session but no registry entry.");

    private ClassSessionView View()
    {
        var d = state.State.Definition!;
        return new ClassSessionView(SessionId, InstitutionId, d.ClassId, d.CourseId, d.Title, d.StartsAt, d.EndsAt,
            CheckInRules.OpensAt(d.StartsAt), state.State.PublishedAt, state.State.CheckIns.Count);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {SessionId} of class {ClassId} published by {InstitutionId}, starting {StartsAt}")]
    private partial void LogPublished(string institutionId, string sessionId, string classId, DateTimeOffset startsAt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Voucher {MaskedCode} checked in to session {SessionId} of {InstitutionId}, {DistanceMeters} m away")]
    private partial void LogCheckedIn(string institutionId, string sessionId, string maskedCode, double distanceMeters);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Check-in to session {SessionId} of {InstitutionId} refused: {Outcome}, {DistanceMeters} m away")]
    private partial void LogRefused(string institutionId, string sessionId, CheckInOutcome outcome, double distanceMeters);
}
