namespace Vouchers.Gateway.Security;

/// <summary>Section "Security:RequestSigning": how channels' signed requests are checked (docs/SECURITY.md, "Channel request signing").</summary>
public sealed class RequestSigningOptions
{
    public const string Section = "Security:RequestSigning";

    /// <summary>How far a request's timestamp may lie from the gateway's time, either way; also how long its nonce is remembered.</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether a channel may also use its API key instead of signing: only in the zero-setup mode (for the demo tour);
    /// set from the mode at start, not from configuration.
    /// </summary>
    public bool AcceptChannelApiKeys { get; set; }
}
