using System.Collections.Immutable;
using Vouchers.Contracts;

namespace Vouchers.Grains.Records;

/// <summary>
/// The zero-setup record store: the same ordering, filters and paging as the PostgreSQL one, in memory under one lock.
/// It keeps only the newest <c>capPerInstitution</c> records of each institution (10,000 by default,
/// <see cref="RecordOptions.MemoryCapPerInstitution"/>), so a long-running demo cannot grow without bound; nothing
/// survives the process, like the rest of zero-setup mode.
/// </summary>
public sealed class MemoryVerificationRecordStore : IVerificationRecordStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, List<VerificationRecord>> byInstitution = new(StringComparer.Ordinal);
    private readonly int capPerInstitution;
    private long lastId;

    public MemoryVerificationRecordStore(int capPerInstitution = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capPerInstitution, 1);
        this.capPerInstitution = capPerInstitution;
    }

    public Task AppendAsync(IReadOnlyList<VerificationRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records)
        {
            RecordRules.Validate(record); // all or nothing, as one INSERT is
        }

        lock (gate)
        {
            var touched = new HashSet<List<VerificationRecord>>();
            foreach (var record in records)
            {
                var stored = record with { Id = ++lastId, OccurredAt = VerificationRecord.Instant(record.OccurredAt) };
                if (!byInstitution.TryGetValue(stored.InstitutionId, out var list))
                {
                    byInstitution[stored.InstitutionId] = list = [];
                }

                // Kept in ascending (time, id) order. Records mostly arrive in time order, so this is nearly always the end.
                list.Insert(FirstAfter(list, stored.OccurredAt, stored.Id), stored);
                touched.Add(list);
            }

            foreach (var list in touched.Where(l => l.Count > capPerInstitution))
            {
                list.RemoveRange(0, list.Count - capPerInstitution);
            }
        }

        return Task.CompletedTask;
    }

    public Task<RecordPage> QueryAsync(string institutionId, RecordQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, RecordQuery.MaxLimit, nameof(query));
        lock (gate)
        {
            if (!byInstitution.TryGetValue(institutionId, out var list))
            {
                return Task.FromResult(new RecordPage([], null));
            }

            // Newest first: walk down from just before the cursor (or from the newest record).
            var start = query.After is { } after ? FirstAtOrAfter(list, after.OccurredAt, after.Id) - 1 : list.Count - 1;
            var page = ImmutableArray.CreateBuilder<VerificationRecord>(Math.Min(query.Limit, list.Count));
            for (var i = start; i >= 0; i--)
            {
                var record = list[i];
                if (query.From is { } from && record.OccurredAt < from)
                {
                    break; // everything further down is older still
                }

                if (!query.Matches(record))
                {
                    continue;
                }

                if (page.Count == query.Limit)
                {
                    var last = page[^1];
                    return Task.FromResult(new RecordPage(page.ToImmutable(), new RecordCursor(last.OccurredAt, last.Id)));
                }

                page.Add(record);
            }

            return Task.FromResult(new RecordPage(page.ToImmutable(), null));
        }
    }

    /// <summary>The index of the first record later than (time, id) in the list's ascending order.</summary>
    private static int FirstAfter(List<VerificationRecord> list, DateTimeOffset time, long id) =>
        Search(list, time, id, orEqual: false);

    /// <summary>The index of the first record at or after (time, id).</summary>
    private static int FirstAtOrAfter(List<VerificationRecord> list, DateTimeOffset time, long id) =>
        Search(list, time, id, orEqual: true);

    private static int Search(List<VerificationRecord> list, DateTimeOffset time, long id, bool orEqual)
    {
        int low = 0, high = list.Count;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            var order = Compare(list[middle], time, id);
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

    private static int Compare(VerificationRecord record, DateTimeOffset time, long id)
    {
        var byTime = record.OccurredAt.CompareTo(time);
        return byTime != 0 ? byTime : record.Id.CompareTo(id);
    }
}
