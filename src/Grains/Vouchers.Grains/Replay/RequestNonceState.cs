namespace Vouchers.Grains.Replay;

/// <summary>
/// What a <see cref="RequestNonceGrain"/> persists: small while it runs, its nonces only when it ends cleanly. Times
/// are Unix seconds.
/// </summary>
[GenerateSerializer, Alias("RequestNonceState")]
public sealed class RequestNonceState
{
    /// <summary>
    /// False from an activation's start until it ends by deactivating: an activation that finds false knows that its
    /// predecessor died without writing the nonces it had accepted.
    /// </summary>
    [Id(0)] public bool Clean { get; set; }

    /// <summary>No activation accepts a request signed later than this without first recording a later horizon.</summary>
    [Id(1)] public long Horizon { get; set; }

    /// <summary>Requests signed before this are refused (set after an unclean end; harmless once it is a window old).</summary>
    [Id(2)] public long RefuseSignedBefore { get; set; }

    /// <summary>On a clean end: the unexpired nonces, 24 bytes each (the 128-bit hash, then the expiry as Unix seconds), little-endian.</summary>
    [Id(3)] public byte[] Nonces { get; set; } = [];
}
