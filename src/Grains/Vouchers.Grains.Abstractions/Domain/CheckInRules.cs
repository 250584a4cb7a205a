using Vouchers.Contracts;

namespace Vouchers.Domain;

/// <summary>
/// When and where a person may check in to a class session (签到), and what a session definition must meet.
/// The window is half-open: it opens <see cref="EarlyAllowance"/> before the start (people arrive early) and
/// closes at the end, exclusive (latecomers are still present, but a session that is over has nobody to see).
/// The position counts when its distance to the institution is at most the institution's radius; the reported
/// accuracy is recorded for the audit but never widens the radius, since a phone that claims a poor fix would
/// otherwise be let in from farther away.
/// </summary>
public static class CheckInRules
{
    public static readonly TimeSpan EarlyAllowance = TimeSpan.FromMinutes(30);

    public const int MinRadiusMeters = 10;
    public const int MaxRadiusMeters = 10_000;

    /// <summary>The worst accuracy a position may report (a fix worse than this is a guess, not a position).</summary>
    public const double MaxAccuracyMeters = 10_000;

    public static readonly TimeSpan MaxSessionDuration = TimeSpan.FromHours(12);

    /// <summary>How far back a session may start when it is published (an institution publishing a session late).</summary>
    public static readonly TimeSpan MaxPublishedLate = TimeSpan.FromDays(1);

    /// <summary>How far ahead a session may start when it is published.</summary>
    public static readonly TimeSpan MaxPublishedAhead = TimeSpan.FromDays(366);

    public const int MaxTitleLength = 200;

    /// <summary>Check-ins one session holds at most (its state is rewritten on every check-in).</summary>
    public const int MaxCheckInsPerSession = 1_000;

    /// <summary>Sessions one class holds at most.</summary>
    public const int MaxSessionsPerClass = 500;

    /// <summary>Classes recorded per voucher and institution at most.</summary>
    public const int MaxClassesPerVoucher = 100;

    public static DateTimeOffset OpensAt(DateTimeOffset startsAt) => startsAt - EarlyAllowance;

    /// <summary>Where <paramref name="now"/> lies relative to the check-in window [start − allowance, end).</summary>
    public static SessionWindow Window(DateTimeOffset now, DateTimeOffset startsAt, DateTimeOffset endsAt) =>
        now < OpensAt(startsAt) ? SessionWindow.NotYetOpen
        : now >= endsAt ? SessionWindow.Closed
        : SessionWindow.Open;

    /// <summary>A session counts as held once its check-in has opened, so no one attends more sessions than were held.</summary>
    public static bool IsHeld(DateTimeOffset now, DateTimeOffset startsAt) => now >= OpensAt(startsAt);

    public static bool IsInsideRadius(double distanceMeters, int radiusMeters) => distanceMeters <= radiusMeters;

    /// <summary>The whole rule for a check-in that is not a repeat: the window first, then the position.</summary>
    public static CheckInOutcome Evaluate(DateTimeOffset now, DateTimeOffset startsAt, DateTimeOffset endsAt, double distanceMeters, int radiusMeters)
    {
        return Window(now, startsAt, endsAt) switch
        {
            SessionWindow.NotYetOpen => CheckInOutcome.TooEarly,
            SessionWindow.Closed => CheckInOutcome.TooLate,
            _ => IsInsideRadius(distanceMeters, radiusMeters) ? CheckInOutcome.CheckedIn : CheckInOutcome.OutsideRadius,
        };
    }

    public static bool IsValidRadius(int? radiusMeters) => radiusMeters is >= MinRadiusMeters and <= MaxRadiusMeters;

    /// <summary>Null (not reported) or a finite number of metres from 0 to <see cref="MaxAccuracyMeters"/>.</summary>
    public static bool IsValidAccuracy(double? accuracyMeters) =>
        accuracyMeters is not { } a || (double.IsFinite(a) && a is >= 0 and <= MaxAccuracyMeters);

    /// <summary>
    /// The errors of a session definition published at <paramref name="now"/>, keyed by the JSON path of the field;
    /// empty when valid. The session grain checks the same rules without the "now" bounds as a guard.
    /// </summary>
    public static Dictionary<string, string[]> Validate(ClassSessionDefinition d, DateTimeOffset? now)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!Identifiers.IsValidSlug(d.ClassId))
        {
            errors["classId"] = ["The class id is required: 2 to 64 lower-case letters, digits and hyphens."];
        }

        if (d.CourseId is not null && !Identifiers.IsValidSlug(d.CourseId))
        {
            errors["courseId"] = ["The course id has 2 to 64 lower-case letters, digits and hyphens."];
        }

        if (DisplayText.Check(d.Title, MaxTitleLength, out var titleError) is null)
        {
            errors["title"] = [titleError!];
        }

        if (d.EndsAt <= d.StartsAt)
        {
            errors["endsAt"] = ["The session must end after it starts."];
        }
        else if (d.EndsAt - d.StartsAt > MaxSessionDuration)
        {
            errors["endsAt"] = [$"A session lasts at most {MaxSessionDuration.TotalHours:0} hours."];
        }

        if (now is { } at && (d.StartsAt < at - MaxPublishedLate || d.StartsAt > at + MaxPublishedAhead))
        {
            errors["startsAt"] = [$"The session must start between {MaxPublishedLate.TotalHours:0} hours ago and {MaxPublishedAhead.TotalDays:0} days ahead."];
        }

        return errors;
    }
}

/// <summary>Where an instant lies relative to a session's check-in window.</summary>
public enum SessionWindow
{
    NotYetOpen,
    Open,
    Closed,
}
