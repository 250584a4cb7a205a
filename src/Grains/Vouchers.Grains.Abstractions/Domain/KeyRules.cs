namespace Vouchers.Domain;

/// <summary>The rules of a credential's lifecycle, shared by the gateway's checks and the key directory's.</summary>
public static class KeyRules
{
    /// <summary>Active request-signing keys a channel may hold at once: the one in use and the one it rotates to.</summary>
    public const int MaxActiveSigningKeys = 2;

    /// <summary>The furthest an expiry may lie in the future.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(366);

    /// <summary>The nearest an expiry may lie in the future (an expiry that passes before the key reaches its holder is a mistake).</summary>
    public static readonly TimeSpan MinLifetime = TimeSpan.FromMinutes(1);

    /// <summary>How long a rotated key keeps working unless the rotation says otherwise.</summary>
    public const int DefaultGraceHours = 24;

    /// <summary>The longest grace a rotation may give the old key.</summary>
    public const int MaxGraceHours = 7 * 24;

    /// <summary>Why <paramref name="expiresAt"/> is not a valid expiry at <paramref name="now"/>, or null when it is (or absent).</summary>
    public static string? ExpiryProblem(DateTimeOffset? expiresAt, DateTimeOffset now) => expiresAt switch
    {
        null => null,
        { } at when at < now + MinLifetime => $"The expiry must lie at least {MinLifetime.TotalMinutes:0} minute in the future.",
        { } at when at > now + MaxLifetime => $"The expiry may lie at most {MaxLifetime.TotalDays:0} days in the future.",
        _ => null,
    };

    /// <summary>The old key's expiry after a rotation at <paramref name="now"/>: after the grace, never later than it was.</summary>
    public static DateTimeOffset ExpiryAfterRotation(DateTimeOffset? current, DateTimeOffset now, TimeSpan grace)
    {
        var end = now + grace;
        return current is { } at && at < end ? at : end;
    }
}
