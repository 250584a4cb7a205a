using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Vouchers.Contracts;
using Vouchers.Replay;

namespace Vouchers.Gateway.Security;

/// <summary>
/// Asks the signing key's nonce store (<see cref="IRequestNonceGrain"/>, <see cref="RequestNonces.Shards"/> grains per
/// key, shared by every gateway) whether a signed request's nonce is new. The grain references of a key are made once.
/// </summary>
public sealed class ReplayGuard(IGrainFactory grains, IOptions<RequestSigningOptions> options)
{
    // Only keys that exist as signing keys get here, so this holds as many entries as there are signing keys.
    private readonly ConcurrentDictionary<string, IRequestNonceGrain[]> shardsByKey = new(StringComparer.Ordinal);

    public Task<NonceVerdict> AcceptAsync(string keyId, ReadOnlySpan<char> nonce, long signedAt)
    {
        var hash = RequestNonces.Hash(nonce);
        var shards = shardsByKey.GetOrAdd(keyId, id =>
            [.. Enumerable.Range(0, RequestNonces.Shards).Select(i => grains.Grain<IRequestNonceGrain>(RequestNonces.KeyOf(id, i)))]);
        return shards[RequestNonces.ShardOf(hash)].AcceptAsync(hash, signedAt, options.Value.TimestampTolerance);
    }
}
