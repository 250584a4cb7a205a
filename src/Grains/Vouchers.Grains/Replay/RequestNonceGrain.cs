using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Vouchers.Contracts;
using Vouchers.Grains.Storage;

namespace Vouchers.Grains.Replay;

/// <summary>
/// Accepts each nonce of one signing key's shard once within the acceptance window. The nonces live in memory only
/// (a 128-bit hash and an expiry each, dropped once their signing time is a window old), since every channel request
/// comes here; what makes it crash-proof is a small persisted state (docs/SECURITY.md, "Replay protection"):
/// <list type="bullet">
/// <item>every activation writes <c>Clean = false</c> before it accepts anything, and <c>Clean = true</c> with its
/// unexpired nonces when it deactivates; an activation that finds <c>Clean = false</c> knows its predecessor died with
/// nonces it never wrote, so it refuses every request signed before its own activation, for one window;</item>
/// <item>a request may be signed up to a window ahead of the clock, which that rule alone would let through again; so
/// before an activation accepts a request signed ahead of its clock and after the last horizon it recorded, it records
/// a new horizon (that signing time, a little further), and a recovering activation refuses what was signed up to the
/// dead one's horizon too.</item>
/// </list>
/// Signed anew, a refused request is accepted. Not reentrant: one call at a time, each a few hash-set operations.
/// </summary>
internal sealed partial class RequestNonceGrain(
    [PersistentState("nonces", StorageNames.Vouchers)] IPersistentState<RequestNonceState> state,
    TimeProvider time,
    ILogger<RequestNonceGrain> logger) : Grain, IRequestNonceGrain
{
    /// <summary>How far past the latest signing time a recorded horizon reaches: one state write per this much signing time.</summary>
    internal const long HorizonStepSeconds = 10;

    private const int EntryBytes = 24;

    private readonly HashSet<UInt128> seen = [];
    private readonly PriorityQueue<UInt128, long> expiries = new();
    private long horizon;
    private long refuseSignedBefore;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var stored = state.State;
        refuseSignedBefore = stored.RefuseSignedBefore;
        horizon = stored.Horizon;
        if (state.RecordExists && !stored.Clean)
        {
            // The previous activation ended without writing its nonces (its silo died): whatever it accepted was
            // signed at or before its horizon, and before now.
            refuseSignedBefore = Math.Max(refuseSignedBefore, Math.Max(now, stored.Horizon + 1));
            LogRecovered(this.GetPrimaryKeyString(), DateTimeOffset.FromUnixTimeSeconds(refuseSignedBefore));
        }
        else
        {
            Restore(stored.Nonces, now);
        }

        await SaveAsync(clean: false);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Prune(time.GetUtcNow().ToUnixTimeSeconds());
        await SaveAsync(clean: true);
    }

    public async Task<NonceVerdict> AcceptAsync(UInt128 nonceHash, long signedAt, TimeSpan window)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var seconds = (long)Math.Ceiling(window.TotalSeconds);
        if (Math.Abs(now - signedAt) > seconds)
        {
            return NonceVerdict.OutsideWindow;
        }

        Prune(now);
        if (seen.Contains(nonceHash))
        {
            return NonceVerdict.Replayed;
        }

        if (signedAt < refuseSignedBefore)
        {
            return NonceVerdict.SignedBeforeRecovery;
        }

        // A request signed at or before the grain's "now" is covered after a crash by the successor's activation time;
        // only one signed ahead of the clock needs the horizon, so clients with synchronised clocks cost no write.
        if (signedAt > now && signedAt > horizon)
        {
            horizon = signedAt + HorizonStepSeconds;
            await SaveAsync(clean: false);
        }

        seen.Add(nonceHash);
        expiries.Enqueue(nonceHash, signedAt + seconds);
        return NonceVerdict.Accepted;
    }

    /// <summary>Drops the nonces whose signing time is now more than a window old: a request signed then is refused by its time.</summary>
    private void Prune(long now)
    {
        while (expiries.TryPeek(out var hash, out var expiry) && expiry < now)
        {
            expiries.Dequeue();
            seen.Remove(hash);
        }
    }

    private void Restore(byte[] packed, long now)
    {
        for (var at = 0; at + EntryBytes <= packed.Length; at += EntryBytes)
        {
            var hash = BinaryPrimitives.ReadUInt128LittleEndian(packed.AsSpan(at));
            var expiry = BinaryPrimitives.ReadInt64LittleEndian(packed.AsSpan(at + 16));
            if (expiry >= now && seen.Add(hash))
            {
                expiries.Enqueue(hash, expiry);
            }
        }
    }

    private byte[] Pack()
    {
        var packed = new byte[expiries.Count * EntryBytes];
        var at = 0;
        foreach (var (hash, expiry) in expiries.UnorderedItems)
        {
            BinaryPrimitives.WriteUInt128LittleEndian(packed.AsSpan(at), hash);
            BinaryPrimitives.WriteInt64LittleEndian(packed.AsSpan(at + 16), expiry);
            at += EntryBytes;
        }

        return packed;
    }

    private Task SaveAsync(bool clean)
    {
        state.State.Clean = clean;
        state.State.Horizon = horizon;
        state.State.RefuseSignedBefore = refuseSignedBefore;
        state.State.Nonces = clean ? Pack() : [];
        return state.WriteStateAsync();
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Nonce store {Key} recovered from an unclean end: requests signed before {RefuseSignedBefore} are refused for one window")]
    private partial void LogRecovered(string key, DateTimeOffset refuseSignedBefore);
}
