using Orleans.Concurrency;
using Vouchers.Contracts;

namespace Vouchers;

/// <summary>
/// The one pump of the event pipeline (key <see cref="Key"/>): reads the outbox in commit order and publishes each
/// stream's events as pages onto its Orleans stream. Every silo drives it (<c>EventPumpService</c>), so it runs on a
/// living silo whatever dies; it persists how far it has read now and then, and consumers that find a page missing
/// make it go back.
/// </summary>
[Alias("IEventPumpGrain")]
public interface IEventPumpGrain : IGrainWithStringKey
{
    public const string Key = "outbox";

    /// <summary>Reads what is new in the outbox and publishes it (each silo calls this every <c>Events:PollInterval</c>).</summary>
    [Alias("Pump")] Task PumpAsync();

    /// <summary>Reads again from after <paramref name="position"/>, if it has read beyond it (a consumer missed a page).</summary>
    [Alias("Rewind")] Task RewindAsync(EventCursor position);

    /// <summary>How far the pump has read.</summary>
    [Alias("GetPosition")] Task<EventCursor> GetPositionAsync();

    /// <summary>
    /// Writes the Expired events of the claims whose validity ended more than <c>Events:ExpiryGrace</c> ago, unused
    /// and unreturned, since the last sweep (the pump does this every <c>Events:ExpirySweepInterval</c>); returns how
    /// many it wrote.
    /// </summary>
    [Alias("SweepExpiries")] Task<int> SweepExpiriesAsync();
}

/// <summary>
/// The statistics of one event stream's batches (key: the stream, <see cref="Events.EventStreams.KeyOf"/>), counted from
/// its events as they arrive and written now and then with how far they go.
/// </summary>
[Alias("IStatisticsGrain")]
public interface IStatisticsGrain : IGrainWithStringKey
{
    /// <summary>
    /// The counts the query selects. Interleaves with the grain's other calls, so a query need not wait while counts are
    /// written to storage. Safe because it is synchronous and only reads: it runs as one turn between the turns of a
    /// delivery, which counts a whole page in one turn, so it sees all of a page's counts or none of them; the only
    /// work that may overlap it is the storage provider serializing the same state, which only reads as well.
    /// </summary>
    [AlwaysInterleave]
    [Alias("Query")] Task<StatisticsSlice> QueryAsync(StatisticsQuery query);
}

/// <summary>Answers statistics queries by asking every stream's <see cref="IStatisticsGrain"/> and adding up.</summary>
[Alias("IStatisticsReaderGrain")]
public interface IStatisticsReaderGrain : IGrainWithIntegerKey
{
    [Alias("Query")] Task<StatisticsAnswer> QueryAsync(StatisticsQuery query);
}
