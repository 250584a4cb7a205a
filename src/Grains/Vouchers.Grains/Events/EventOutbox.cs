using Vouchers.Contracts;

namespace Vouchers.Grains.Events;

/// <summary>
/// How a grain publishes the events of a change of its state: it adds them to the outbox list in its state, writes the
/// state (so the events are durable exactly when the change is), then flushes the list to the event store before it
/// answers, and flushes again whenever it wakes with some left (a crash between the two). An acknowledged change has
/// therefore always reached the event store; the stored state keeps the flushed events until its next write, and
/// appending them again stores nothing (ids are stable).
/// </summary>
public static class EventOutbox
{
    public static async Task FlushAsync(this IEventStore store, List<VoucherEvent> outbox)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(outbox);
        if (outbox.Count == 0)
        {
            return;
        }

        await store.AppendAsync([.. outbox]);
        outbox.Clear();
    }
}
