namespace Vouchers.Gateway.Limits;

/// <summary>
/// Section "Overload": admission control of the claim route. Beyond the limit a claim is refused at once with
/// 503 and Retry-After (nothing is written), so a burst above capacity degrades into fast refusals that channels
/// retry with the same request id, instead of queues that time out.
/// </summary>
public sealed class OverloadOptions
{
    public const string Section = "Overload";
    public const string ClaimPolicy = "claims";

    /// <summary>Claims being processed by this gateway at once.</summary>
    public int MaxConcurrentClaims { get; set; } = 2048;

    /// <summary>Claims that may wait for a slot (oldest first) before new ones are refused.</summary>
    public int ClaimQueueLimit { get; set; } = 2048;

    /// <summary>Seconds a refused caller is told to wait (Retry-After).</summary>
    public int RetryAfterSeconds { get; set; } = 1;
}
