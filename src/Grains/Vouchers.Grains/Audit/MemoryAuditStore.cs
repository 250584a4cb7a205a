using System.Collections.Immutable;
using Vouchers.Contracts;

namespace Vouchers.Grains.Audit;

/// <summary>
/// The zero-setup audit store: the same ordering, filters, region scoping and paging as the PostgreSQL one, in memory
/// under one lock. It keeps the newest <c>capacity</c> records (100,000 by default), so a long-running demo cannot
/// grow without bound; nothing survives the process, like the rest of zero-setup mode.
/// </summary>
public sealed class MemoryAuditStore : IAuditStore
{
    private readonly Lock gate = new();
    private readonly List<AuditRecord> records = []; // ascending (time, id)
    private readonly int capacity;
    private long lastId;

    public MemoryAuditStore(int capacity = 100_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        this.capacity = capacity;
    }

    public Task<AuditRecord> AppendAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        AuditRules.Validate(record);
        lock (gate)
        {
            var stored = record with { Id = ++lastId, OccurredAt = VerificationRecord.Instant(record.OccurredAt) };
            records.Insert(Search(stored.OccurredAt, stored.Id, orEqual: false), stored);
            if (records.Count > capacity)
            {
                records.RemoveRange(0, records.Count - capacity);
            }

            return Task.FromResult(stored);
        }
    }

    public Task<AuditPage> QueryAsync(string regionPrefix, AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(regionPrefix);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, RecordQuery.MaxLimit, nameof(query));
        lock (gate)
        {
            var start = query.After is { } after ? Search(after.OccurredAt, after.Id, orEqual: true) - 1 : records.Count - 1;
            var page = ImmutableArray.CreateBuilder<AuditRecord>(Math.Min(query.Limit, records.Count));
            for (var i = start; i >= 0; i--)
            {
                var record = records[i];
                if (query.From is { } from && record.OccurredAt < from)
                {
                    break; // everything further down is older still
                }

                if (!record.RegionCode.StartsWith(regionPrefix, StringComparison.Ordinal) || !query.Matches(record))
                {
                    continue;
                }

                if (page.Count == query.Limit)
                {
                    var last = page[^1];
                    return Task.FromResult(new AuditPage(page.ToImmutable(), new RecordCursor(last.OccurredAt, last.Id)));
                }

                page.Add(record);
            }

            return Task.FromResult(new AuditPage(page.ToImmutable(), null));
        }
    }

    /// <summary>The index of the first record later than (or, with <paramref name="orEqual"/>, at or after) (time, id).</summary>
    private int Search(DateTimeOffset time, long id, bool orEqual)
    {
        int low = 0, high = records.Count;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            var byTime = records[middle].OccurredAt.CompareTo(time);
            var order = byTime != 0 ? byTime : records[middle].Id.CompareTo(id);
            if (order < 0 || (order == 0 && !orEqual))
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
