using Vouchers.Contracts;

namespace Vouchers.Grains.Records;

/// <summary>What every record store accepts, checked before a record joins a group: one bad record would fail its group.</summary>
public static class RecordRules
{
    public const int MaxDeviceIdLength = 64;

    /// <summary>Throws <see cref="ArgumentException"/> for a record no store may take.</summary>
    public static void Validate(VerificationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.InstitutionId);
        ArgumentNullException.ThrowIfNull(record.MaskedCode);
        if (record.DeviceId is { Length: > MaxDeviceIdLength })
        {
            throw new ArgumentException($"A device id has at most {MaxDeviceIdLength} characters.", nameof(record));
        }

        if (HasNul(record.InstitutionId) || HasNul(record.MaskedCode) || HasNul(record.Clerk) || HasNul(record.DeviceId)
            || HasNul(record.CourseId) || HasNul(record.ClassId))
        {
            throw new ArgumentException("A record's texts must not contain NUL characters.", nameof(record));
        }
    }

    private static bool HasNul(string? text) => text is not null && text.Contains('\0', StringComparison.Ordinal);
}
