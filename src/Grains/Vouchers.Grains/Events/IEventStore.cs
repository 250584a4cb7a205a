using System.Collections.Immutable;
using Vouchers.Contracts;

namespace Vouchers.Grains.Events;

/// <summary>
/// The outbox of the event pipeline: every state change's events, stored with the change (the claim store writes a
/// claim's and a return's in the same transaction; a grain writes its events with its state and appends them here
/// before it answers, see <see cref="EventOutbox"/>), read in commit order by the stream pumps.
/// </summary>
public interface IEventStore
{
    /// <summary>
    /// Stores the events that are not stored yet (by <see cref="VoucherEvent.Id"/>; a second copy is dropped);
    /// completes once they are durable.
    /// </summary>
    Task AppendAsync(IReadOnlyList<VoucherEvent> events, CancellationToken cancellationToken = default);

    /// <summary>Which of the event ids are stored.</summary>
    Task<IReadOnlySet<string>> FindStoredAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="max"/> events after <paramref name="after"/>, in commit order. Only events that no
    /// transaction still running can precede are returned, so a cursor never skips one.
    /// </summary>
    Task<ImmutableArray<PositionedEvent>> ReadAsync(EventCursor after, int max, CancellationToken cancellationToken = default);
}
