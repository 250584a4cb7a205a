using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;
using Vouchers.Contracts;
using Vouchers.Events;
using Vouchers.Grains.Events;
using Vouchers.Grains.Storage;

namespace Vouchers.Grains.Statistics;

/// <summary>
/// Counts one event stream (implicit subscription: the grain whose key is the stream's) into a
/// <see cref="StatisticsCube"/>. The counts and the position they reach are written together, coalesced (at most
/// every <see cref="EventOptions.SaveInterval"/> as pages arrive, never once per event, and the pump's heartbeat brings a
/// page every few seconds), so after a crash counting resumes after
/// exactly what the written counts hold: a page that is not chained to that position makes the pump read again from
/// it, and events at or before it are skipped. Nothing is lost and nothing is counted twice.
/// </summary>
[ImplicitStreamSubscription(EventStreams.Namespace)]
internal sealed partial class StatisticsGrain(
    [PersistentState("statistics", StorageNames.Vouchers)] IPersistentState<StatisticsState> state,
    IOptions<EventOptions> options,
    ILogger<StatisticsGrain> logger) : Grain, IStatisticsGrain, IStreamSubscriptionObserver, IAsyncObserver<EventPage>
{
    /// <summary>How long a consumer waits before asking the pump to go back to the same position again.</summary>
    private static readonly TimeSpan RewindPatience = TimeSpan.FromSeconds(5);

    private StatisticsCube cube = null!;
    private bool dirty;

    /// <summary>Milliseconds of the machine's clock (Environment.TickCount64) at the last write.</summary>
    private long savedAt = Environment.TickCount64;
    private EventCursor rewoundTo;

    /// <summary>Milliseconds of the machine's clock (Environment.TickCount64) when the pump was last asked to go back.</summary>
    private long rewoundAt = long.MinValue / 2;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        cube = new StatisticsCube(state.State);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => SaveAsync(cancellationToken);

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        ArgumentNullException.ThrowIfNull(handleFactory);
        return handleFactory.Create<EventPage>().ResumeAsync(this);
    }

    public async Task OnNextAsync(EventPage item, StreamSequenceToken? token = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        var position = state.State.Cursor;
        if (item.After > position)
        {
            // A page between was lost (a silo died with it, or this grain's unwritten counts were): read again.
            var now = Environment.TickCount64;
            if (rewoundTo != position || now - rewoundAt >= (long)RewindPatience.TotalMilliseconds)
            {
                rewoundTo = position;
                rewoundAt = now;
                LogMissed(this.GetPrimaryKeyString(), position.Transaction, position.Sequence, item.After.Transaction, item.After.Sequence);
                await GrainFactory.GetGrain<IEventPumpGrain>(IEventPumpGrain.Key).RewindAsync(position);
            }

            return;
        }

        foreach (var e in item.Events)
        {
            if (e.Position > position)
            {
                cube.Apply(e.Event);
                dirty = true;
            }
        }

        if (item.Through > position)
        {
            state.State.Cursor = item.Through;
            dirty = true;
        }

        // Written at most every SaveInterval; the pump's heartbeat pages bring the last counts here within seconds.
        if (Environment.TickCount64 - savedAt >= (long)options.Value.SaveInterval.TotalMilliseconds)
        {
            await SaveAsync(CancellationToken.None);
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    public Task<StatisticsSlice> QueryAsync(StatisticsQuery query) => Task.FromResult(cube.Query(query));

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        if (!dirty)
        {
            return;
        }

        cube.Prune();
        dirty = false;
        savedAt = Environment.TickCount64;
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch
        {
            dirty = true;
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Statistics of stream {Stream} count through {Transaction}/{Sequence} but a page starts after {AfterTransaction}/{AfterSequence}; the pump reads again")]
    private partial void LogMissed(string stream, long transaction, long sequence, long afterTransaction, long afterSequence);
}
