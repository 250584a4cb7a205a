using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.Extensions.Options;
using Vouchers.Contracts;
using Vouchers.Http.Persons;

namespace Vouchers.Gateway.Security;

/// <summary>
/// The API keys this gateway looked up lately, by key id, each with what a request needs from it: the stored hash of
/// the secret as bytes and the caller's claims, built once. Every request presents its key, so the lookup takes the
/// key id as characters of the header (no string made) and a hit allocates nothing; entries live for
/// <see cref="VoucherSecurityOptions.PrincipalCacheDuration"/> (5 s). A key id that names no key is remembered too (so
/// guessed ids do not reach the registry on every request), but only while the cache holds fewer than
/// <see cref="MaxEntries"/> entries.
/// </summary>
/// <remarks>
/// The entry's lifetime is what bounds revocation: a key revoked through another gateway is refused here once this
/// gateway's entry has expired and the key is read again, so at most <see cref="VoucherSecurityOptions.PrincipalCacheDuration"/>
/// after the revocation was answered (the gateway that revoked it forgets it at once, <see cref="Forget"/>). An expiry
/// needs no reload: <see cref="Caller.Admits"/> compares it with the clock on every request.
/// </remarks>
public sealed class CallerCache
{
    public const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, Caller> callers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<Caller>> loading = new(StringComparer.Ordinal);
    private readonly Func<string, Task<Principal?>> load;
    private readonly IOptions<VoucherSecurityOptions> options;
    private readonly TimeProvider time;
    private int additions;
    private long forgets;
    private long lastSweepTicks = long.MinValue / 2;

    public CallerCache(IGrainFactory grains, IOptions<VoucherSecurityOptions> options, TimeProvider time)
        : this(keyId => grains.Grain<IRegistryGrain<Principal>>(keyId).GetAsync(), options, time)
    {
    }

    /// <summary>With another source of principals than the registry grains (tests).</summary>
    internal CallerCache(Func<string, Task<Principal?>> load, IOptions<VoucherSecurityOptions> options, TimeProvider time)
    {
        this.load = load;
        this.options = options;
        this.time = time;
    }

    public int Count => callers.Count;

    /// <summary>The cached caller of a key id, when it is cached and fresh.</summary>
    public bool TryGet(ReadOnlySpan<char> keyId, out Caller caller) =>
        callers.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(keyId, out caller!) && caller.ExpiresAt > time.GetUtcNow();

    /// <summary>
    /// Reads the key from the registry and caches it. Requests that miss the cache while the key is being read wait for
    /// that one read: a busy key's entry lapses every few seconds, and its requests should not each call the registry.
    /// </summary>
    public Task<Caller> LoadAsync(string keyId)
    {
        var read = loading.GetOrAdd(keyId, ReadAsync);
        if (read.IsCompleted)
        {
            // A read that completed at once removed itself before it was added.
            loading.TryRemove(new KeyValuePair<string, Task<Caller>>(keyId, read));
        }

        return read;
    }

    /// <summary>
    /// Drops the cached key, so that its next request reads it again (after this gateway revoked or rotated it). A read
    /// in flight meanwhile still answers the requests that waited for it, but is not cached.
    /// </summary>
    public void Forget(string keyId)
    {
        Interlocked.Increment(ref forgets);
        loading.TryRemove(keyId, out _);
        callers.TryRemove(keyId, out _);
    }

    private async Task<Caller> ReadAsync(string keyId)
    {
        try
        {
            var generation = Interlocked.Read(ref forgets);
            var principal = await load(keyId);
            var now = time.GetUtcNow();
            var caller = new Caller(principal, now + options.Value.PrincipalCacheDuration, time);
            var full = callers.Count >= MaxEntries;
            if (Interlocked.Increment(ref additions) % 1024 == 0 || full)
            {
                SweepExpired(now);
                full = callers.Count >= MaxEntries;
            }

            if ((principal is not null || !full) && Interlocked.Read(ref forgets) == generation)
            {
                callers[keyId] = caller;
            }

            return caller;
        }
        finally
        {
            loading.TryRemove(keyId, out _);
        }
    }

    /// <summary>
    /// Removes the expired entries: every 1,024 loads, and on a load that finds the cache full, but then at most once a
    /// second, so that a flood of guessed key ids cannot make every request walk the whole cache.
    /// </summary>
    private void SweepExpired(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref lastSweepTicks);
        if (now.UtcTicks - last < TimeSpan.TicksPerSecond || Interlocked.CompareExchange(ref lastSweepTicks, now.UtcTicks, last) != last)
        {
            return;
        }

        foreach (var (keyId, caller) in callers)
        {
            if (caller.ExpiresAt <= now)
            {
                callers.TryRemove(new KeyValuePair<string, Caller>(keyId, caller));
            }
        }
    }
}

/// <summary>A looked-up API key: null <see cref="Principal"/> when the key id names no key.</summary>
public sealed class Caller
{
    private readonly byte[] secretHash;
    private readonly TimeProvider time;

    public Caller(Principal? principal, DateTimeOffset expiresAt, TimeProvider? time = null)
    {
        Principal = principal;
        ExpiresAt = expiresAt;
        this.time = time ?? TimeProvider.System;
        secretHash = principal is null ? [] : ApiKeys.HashBytes(principal.SecretHash);
        User = principal is null
            ? new ClaimsPrincipal()
            : new ClaimsPrincipal(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, principal.KeyId),
                new Claim(ClaimTypes.Name, principal.DisplayName),
                new Claim(ClaimTypes.Role, principal.Role.ToString()),
                new Claim(CallerClaims.Scope, principal.Scope),
            ], ApiKeyAuthenticationHandler.SchemeName));
    }

    public Principal? Principal { get; }

    public DateTimeOffset ExpiresAt { get; }

    /// <summary>The caller's claims, shared by its requests and never changed.</summary>
    public ClaimsPrincipal User { get; }

    /// <summary>
    /// Whether the key exists, is an API key, is neither revoked nor expired now, and the secret is its secret
    /// (compared in constant time).
    /// </summary>
    public bool Admits(ReadOnlySpan<char> secret) =>
        Principal is { Kind: CredentialKind.ApiKey } principal
        && principal.IsActiveAt(time.GetUtcNow())
        && ApiKeys.SecretMatches(secret, secretHash);
}
