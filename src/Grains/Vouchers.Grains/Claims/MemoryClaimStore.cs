using Vouchers.Grains.Events;

namespace Vouchers.Grains.Claims;

/// <summary>
/// The zero-setup claim store: the same rules as the PostgreSQL one (a unique code, one live claim per person
/// per batch), kept in memory under one lock, and the claim's and the return's events appended to the in-memory
/// outbox under that lock. Nothing survives the process, like the rest of zero-setup mode.
/// </summary>
public sealed class MemoryClaimStore(MemoryEventStore events) : IClaimStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, StoredClaim> byCode = new(StringComparer.Ordinal);
    private readonly Dictionary<(string BatchId, string PersonKey), string> liveByPerson = [];
    private readonly Dictionary<string, List<string>> codesByPerson = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Quantity, int Live)> stock = new(StringComparer.Ordinal);

    public Task<AppendOutcome> AppendAsync(StoredClaim claim, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            if (byCode.ContainsKey(claim.Code))
            {
                return Task.FromResult(AppendOutcome.CodeTaken);
            }

            if (liveByPerson.ContainsKey((claim.BatchId, claim.PersonKey)))
            {
                return Task.FromResult(AppendOutcome.PersonHasLiveClaim);
            }

            if (stock.TryGetValue(claim.BatchId, out var batch))
            {
                if (batch.Live >= batch.Quantity)
                {
                    return Task.FromResult(AppendOutcome.NoStock);
                }

                stock[claim.BatchId] = batch with { Live = batch.Live + 1 };
            }

            liveByPerson.Add((claim.BatchId, claim.PersonKey), claim.Code);
            byCode.Add(claim.Code, claim with { ReturnedAt = null });
            if (!codesByPerson.TryGetValue(claim.PersonKey, out var codes))
            {
                codesByPerson[claim.PersonKey] = codes = [];
            }

            codes.Add(claim.Code);
            events.Append(ClaimEvents.Claimed(claim));
            return Task.FromResult(AppendOutcome.Stored);
        }
    }

    public Task<StoredClaim?> GetAsync(string code, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            return Task.FromResult(byCode.GetValueOrDefault(code));
        }
    }

    public Task<StoredClaim?> FindLiveAsync(string batchId, string personKey, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            return Task.FromResult(liveByPerson.TryGetValue((batchId, personKey), out var code) ? byCode[code] : null);
        }
    }

    public Task<IReadOnlyList<StoredClaim>> ListByPersonAsync(string personKey, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            IReadOnlyList<StoredClaim> claims = codesByPerson.TryGetValue(personKey, out var codes)
                ? [.. codes.Select(c => byCode[c]).OrderByDescending(c => c.ClaimedAt)]
                : [];
            return Task.FromResult(claims);
        }
    }

    public Task<IReadOnlyList<ShardClaim>> LoadShardAsync(string batchId, int shard, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            IReadOnlyList<ShardClaim> claims = [.. byCode.Values
                .Where(c => c.BatchId == batchId && c.Shard == shard)
                .Select(c => new ShardClaim(c.Code, c.PersonKey, c.ChannelId, c.RequestId, c.ProgramId, c.HolderName, c.SubsidyAmount,
                    c.ClaimedAt, c.ExpiresAt, c.ReturnedAt is not null))];
            return Task.FromResult(claims);
        }
    }

    public Task<bool> MarkReturnedAsync(string code, DateTimeOffset at, string returnedBy, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            if (!byCode.TryGetValue(code, out var claim) || claim.ReturnedAt is not null)
            {
                return Task.FromResult(false);
            }

            byCode[code] = claim with { ReturnedAt = at };
            events.Append(ClaimEvents.Returned(claim, at, returnedBy));
            liveByPerson.Remove((claim.BatchId, claim.PersonKey));
            if (stock.TryGetValue(claim.BatchId, out var batch))
            {
                stock[claim.BatchId] = batch with { Live = batch.Live - 1 };
            }

            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<StoredClaim>> ListExpiringAsync(ExpiryPosition after, DateTimeOffset through, int max, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            IReadOnlyList<StoredClaim> due = [.. byCode.Values
                .Where(c => c.ExpiresAt <= through && Compare(c, after) > 0)
                .OrderBy(c => c.ExpiresAt)
                .ThenBy(c => c.Code, StringComparer.Ordinal)
                .Take(max)];
            return Task.FromResult(due);
        }

        static int Compare(StoredClaim claim, ExpiryPosition position)
        {
            var byTime = claim.ExpiresAt.CompareTo(position.ExpiresAt);
            return byTime != 0 ? byTime : string.CompareOrdinal(claim.Code, position.Code);
        }
    }

    public Task<ClaimCounts> CountAsync(string batchId, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            var claims = byCode.Values.Where(c => c.BatchId == batchId).ToList();
            return Task.FromResult(new ClaimCounts(claims.Count, claims.Count(c => c.ReturnedAt is not null)));
        }
    }

    public Task<bool> SetQuantityAsync(string batchId, int quantity, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            var live = stock.TryGetValue(batchId, out var batch)
                ? batch.Live
                : byCode.Values.Count(c => c.BatchId == batchId && c.ReturnedAt is null);
            if (live > quantity)
            {
                return Task.FromResult(false);
            }

            stock[batchId] = (quantity, live);
            return Task.FromResult(true);
        }
    }
}
