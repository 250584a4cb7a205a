using System.Collections.Immutable;
using Vouchers.Contracts;

namespace Vouchers;

/// <summary>
/// One class session of an institution. Key: <c>{institutionId}/{sessionId}</c> (<see cref="CheckInKeys.Session"/>).
/// Owns its definition and its check-ins, at most one per person (keyed by the person key, never an ID number) and
/// at most <see cref="Domain.CheckInRules.MaxCheckInsPerSession"/>. It is published through its class
/// (<see cref="ITrainingClassGrain"/>), which lists it.
/// </summary>
[Alias("IClassSessionGrain")]
public interface IClassSessionGrain : IGrainWithStringKey
{
    /// <summary>Publishes the session once; the same definition again answers AlreadyPublished, another one IdTaken.</summary>
    [Alias("Publish")] Task<SessionPublishResult> PublishAsync(ClassSessionDefinition definition);

    /// <summary>The session, or null when it was never published.</summary>
    [Alias("Get")] Task<ClassSessionView?> GetAsync();

    /// <summary>
    /// Checks the person in once: a repeat answers the first check-in (AlreadyCheckedIn) whatever the time or place;
    /// otherwise the person must be enrolled, inside the window and inside the institution's radius.
    /// </summary>
    [Alias("CheckIn")] Task<CheckInResult> CheckInAsync(CheckInRequest request);

    /// <summary>The session with every check-in, or null when it was never published.</summary>
    [Alias("GetAttendance")] Task<SessionAttendance?> GetAttendanceAsync();
}

/// <summary>
/// One class of an institution: the list of its sessions (at most <see cref="Domain.CheckInRules.MaxSessionsPerClass"/>).
/// Key: <c>{institutionId}/{classId}</c> (<see cref="CheckInKeys.Class"/>). Attendance is counted from the sessions'
/// own check-ins whenever it is read, so a check-in is recorded in one place only and can never count twice.
/// </summary>
[Alias("ITrainingClassGrain")]
public interface ITrainingClassGrain : IGrainWithStringKey
{
    /// <summary>Publishes a session of this class under the institution's session id and lists it here.</summary>
    [Alias("PublishSession")] Task<SessionPublishResult> PublishSessionAsync(string sessionId, ClassSessionDefinition definition);

    /// <summary>The class's sessions in order of their start, with their check-in counts.</summary>
    [Alias("ListSessions")] Task<ImmutableArray<ClassSessionView>> ListSessionsAsync();

    /// <summary>Attendance per voucher, all vouchers or only <paramref name="voucherCode"/>; null when the class has no session.</summary>
    [Alias("GetAttendance")] Task<ClassAttendance?> GetAttendanceAsync(string? voucherCode);
}

/// <summary>
/// The classes in which a voucher's holder checked in at one institution, so its attendance can be found from the
/// voucher alone. Key: <c>{institutionId}/{code}</c> (<see cref="CheckInKeys.Voucher"/>); at most
/// <see cref="Domain.CheckInRules.MaxClassesPerVoucher"/> class ids.
/// </summary>
[Alias("IVoucherAttendanceGrain")]
public interface IVoucherAttendanceGrain : IGrainWithStringKey
{
    /// <summary>Records the class (idempotent: writes only the first time).</summary>
    [Alias("AddClass")] Task AddClassAsync(string classId);

    [Alias("ListClasses")] Task<ImmutableArray<string>> ListClassesAsync();
}
