using Vouchers.Contracts;

namespace Vouchers;

/// <summary>
/// The nonces of one channel signing key's requests, one shard of them: key <c>{keyId}/{shard}</c>
/// (<see cref="Replay.RequestNonces"/>). Every gateway asks it before a signed request goes on, so a nonce is accepted
/// once across the whole deployment. It keeps the nonces of the acceptance window in memory and survives a crash of
/// its silo by refusing, after an unclean end, the requests the dead activation may have seen (docs/SECURITY.md,
/// "Replay protection").
/// </summary>
[Alias("IRequestNonceGrain")]
public interface IRequestNonceGrain : IGrainWithStringKey
{
    /// <summary>
    /// Accepts the nonce (by its 128-bit hash) of a request signed at <paramref name="signedAt"/> (Unix seconds) once
    /// within <paramref name="window"/>, the timestamp tolerance either way of the grain's clock.
    /// </summary>
    [Alias("Accept")] Task<NonceVerdict> AcceptAsync(UInt128 nonceHash, long signedAt, TimeSpan window);
}
