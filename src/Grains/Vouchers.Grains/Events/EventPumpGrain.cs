using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Vouchers.Contracts;
using Vouchers.Events;
using Vouchers.Grains.Claims;
using Vouchers.Grains.Storage;

namespace Vouchers.Grains.Events;

[GenerateSerializer]
public sealed class EventPumpState
{
    /// <summary>How far the pump had read when it last wrote; it may have read further since.</summary>
    [Id(0)] public EventCursor Cursor { get; set; }

    /// <summary>How far the expiry sweep has walked: every claim up to here has its Expired event, if it expired.</summary>
    [Id(1)] public ExpiryPosition Expiry { get; set; } = ExpiryPosition.Start;
}

/// <summary>
/// Reads the outbox in commit order and publishes each stream's share of every page read as one
/// <see cref="EventPage"/> on that stream: "everything of this stream after <see cref="EventPage.After"/> through
/// <see cref="EventPage.Through"/>" (the position the read reached), the pages of one stream chained (a page's After
/// is the previous page's Through). Every few seconds each stream also gets an empty page that carries its chain to
/// the pump's position, so consumers of quiet streams keep up and notice a lost page even when nothing new happens.
/// Delivery is at least once: the pump persists its position now and then, a page lost with a silo's memory (the
/// streams are in memory) leaves a consumer with a broken chain, and the consumer makes the pump read again from its
/// own written position (<see cref="RewindAsync"/>); consumers skip what they counted already. The pump also runs the
/// expiry sweep (<see cref="ExpirySweep"/>), whose position it keeps in its state.
/// </summary>
internal sealed partial class EventPumpGrain(
    [PersistentState("pump", StorageNames.Vouchers)] IPersistentState<EventPumpState> state,
    IEventStore store,
    IClaimStore claims,
    TimeProvider time,
    IOptions<EventOptions> options,
    ILogger<EventPumpGrain> logger) : Grain, IEventPumpGrain
{
    /// <summary>How often an idle pump reminds every stream where its chain ends.</summary>
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(2);

    /// <summary>Where each stream's chain of pages ends (the last page's Through); absent: at the pump's cursor.</summary>
    private readonly Dictionary<int, EventCursor> chainEnds = [];

    private EventCursor cursor;

    // Milliseconds of the machine's clock (Environment.TickCount64): how often the pump writes and reminds is
    // operational timing, not the engine's business time.
    private long savedAt;
    private long heartbeatAt = long.MinValue / 2;
    private long sweptAt = long.MinValue / 2;
    private IStreamProvider? streams;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        cursor = state.State.Cursor;
        streams = this.GetStreamProvider(EventStreams.Provider);
        LogStarted(cursor.Transaction, cursor.Sequence);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (cursor != state.State.Cursor)
        {
            state.State.Cursor = cursor;
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public Task RewindAsync(EventCursor position)
    {
        if (position < cursor)
        {
            LogRewound(cursor.Transaction, cursor.Sequence, position.Transaction, position.Sequence);
            cursor = position;
            chainEnds.Clear();
        }

        return Task.CompletedTask;
    }

    public Task<EventCursor> GetPositionAsync() => Task.FromResult(cursor);

    public async Task<int> SweepExpiriesAsync()
    {
        sweptAt = Environment.TickCount64;
        var through = time.GetUtcNow() - options.Value.ExpiryGrace;
        var size = Math.Max(1, options.Value.PageSize);
        var position = state.State.Expiry;
        var expired = 0;
        var more = false;
        for (var step = 0; step < 8; step++)
        {
            var (reached, written, walked) = await ExpirySweep.StepAsync(claims, store, position, through, size);
            position = reached;
            expired += written;
            more = walked == size;
            if (!more)
            {
                break;
            }
        }

        if (more)
        {
            sweptAt = long.MinValue / 2; // more are due: the next pump goes on (a few steps a call, so publishing goes on too)
        }

        if (position != state.State.Expiry)
        {
            state.State.Expiry = position;
            state.State.Cursor = cursor;
            await state.WriteStateAsync();
            LogSwept(expired, through);
        }

        return expired;
    }

    public async Task PumpAsync()
    {
        try
        {
            var size = Math.Max(1, options.Value.PageSize);
            for (var page = 0; page < 16; page++)
            {
                var read = await store.ReadAsync(cursor, size);
                if (read.Length == 0)
                {
                    break;
                }

                await PublishAsync(read);
                cursor = read[^1].Position;
                if (read.Length < size)
                {
                    break;
                }
            }

            var now = Environment.TickCount64;
            if (now - heartbeatAt >= (long)HeartbeatInterval.TotalMilliseconds)
            {
                heartbeatAt = now;
                for (var stream = 0; stream < options.Value.Streams; stream++)
                {
                    await Stream(stream).OnNextAsync(new EventPage(stream, ChainEnd(stream), cursor, []));
                    chainEnds[stream] = cursor;
                }
            }

            if (now - sweptAt >= (long)options.Value.ExpirySweepInterval.TotalMilliseconds)
            {
                await SweepExpiriesAsync();
            }

            if (cursor != state.State.Cursor && now - savedAt >= (long)SaveInterval.TotalMilliseconds)
            {
                savedAt = now;
                state.State.Cursor = cursor;
                await state.WriteStateAsync();
            }
        }
        catch (Exception exception)
        {
            LogPumpFailed(exception); // the next call reads from the same cursor
        }
    }

    private async Task PublishAsync(IReadOnlyList<PositionedEvent> read)
    {
        foreach (var group in read.GroupBy(e => EventStreams.Of(e.Event.BatchId, options.Value.Streams)))
        {
            var page = new EventPage(group.Key, ChainEnd(group.Key), read[^1].Position, [.. group]);
            await Stream(group.Key).OnNextAsync(page);
            chainEnds[group.Key] = page.Through;
        }
    }

    private EventCursor ChainEnd(int stream) => chainEnds.TryGetValue(stream, out var end) ? end : cursor;

    private IAsyncStream<EventPage> Stream(int stream) =>
        streams!.GetStream<EventPage>(StreamId.Create(EventStreams.Namespace, EventStreams.KeyOf(stream)));

    [LoggerMessage(Level = LogLevel.Information, Message = "Event pump started at {Transaction}/{Sequence}")]
    private partial void LogStarted(long transaction, long sequence);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event pump goes back from {Transaction}/{Sequence} to {ToTransaction}/{ToSequence}: a consumer missed a page")]
    private partial void LogRewound(long transaction, long sequence, long toTransaction, long toSequence);

    [LoggerMessage(Level = LogLevel.Information, Message = "Expiry sweep wrote {Expired} Expired events for claims expired by {Through}")]
    private partial void LogSwept(int expired, DateTimeOffset through);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event pump could not read or publish; it tries again")]
    private partial void LogPumpFailed(Exception exception);
}
