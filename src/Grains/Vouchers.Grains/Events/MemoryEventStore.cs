using System.Collections.Immutable;
using Vouchers.Contracts;

namespace Vouchers.Grains.Events;

/// <summary>
/// The zero-setup outbox: the events in one list, in the order they were appended under one lock (the transaction of
/// every cursor is 0). Nothing survives the process, like the rest of zero-setup mode. With <paramref name="keep"/>
/// false (<see cref="EventOptions.Enabled"/> off, in either mode) it keeps nothing: appends are dropped.
/// </summary>
public sealed class MemoryEventStore(bool keep = true) : IEventStore
{
    private readonly Lock gate = new();
    private readonly HashSet<string> ids = new(StringComparer.Ordinal);
    private readonly List<PositionedEvent> events = [];

    public Task AppendAsync(IReadOnlyList<VoucherEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            Append(e);
        }

        return Task.CompletedTask;
    }

    /// <summary>Stores one event at once (the in-memory claim store calls it under its own lock).</summary>
    public void Append(VoucherEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (!keep)
        {
            return;
        }

        lock (gate)
        {
            if (ids.Add(e.Id))
            {
                events.Add(new PositionedEvent(new EventCursor(0, events.Count + 1), e));
            }
        }
    }

    public Task<IReadOnlySet<string>> FindStoredAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        lock (gate)
        {
            IReadOnlySet<string> stored = ids.Where(this.ids.Contains).ToHashSet(StringComparer.Ordinal);
            return Task.FromResult(stored);
        }
    }

    public Task<ImmutableArray<PositionedEvent>> ReadAsync(EventCursor after, int max, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            // The sequence of the n-th event is n.
            var from = (int)Math.Clamp(after.Sequence, 0, events.Count);
            return Task.FromResult(events.Skip(from).Take(max).ToImmutableArray());
        }
    }
}
