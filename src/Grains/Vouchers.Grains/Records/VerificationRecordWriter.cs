using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vouchers.Contracts;

namespace Vouchers.Grains.Records;

/// <summary>
/// One per silo: collects verification records into groups and hands each group to the
/// <see cref="IVerificationRecordStore"/> in one call (one INSERT on PostgreSQL).
/// </summary>
/// <remarks>
/// <para>
/// Records wait in a bounded queue. A single background loop waits for the first, takes whatever else is queued at
/// that moment (up to <see cref="RecordOptions.MaxBatchSize"/>) and appends the group; while it is being stored the
/// next records queue up and form the next group. A simpler cousin of the claim store's group commit: one loop, no
/// linger, no per-record outcome.
/// </para>
/// <para>
/// A verification's record is offered with <see cref="TryEnqueue"/>: it never waits, and when the queue is full the
/// record is dropped and counted (<see cref="Dropped"/>, logged). A use's record goes through <see cref="AppendAsync"/>,
/// which completes only once the group holding it is stored and fails when storing it failed, so a use is answered as
/// done only when its record is in the store.
/// </para>
/// </remarks>
public sealed partial class VerificationRecordWriter : IAsyncDisposable
{
    private readonly IVerificationRecordStore store;
    private readonly RecordOptions options;
    private readonly ILogger<VerificationRecordWriter> logger;
    private readonly System.Threading.Channels.Channel<Pending> queue;
    private readonly Task loop;
    private long dropped;
    private long appends;

    public VerificationRecordWriter(IVerificationRecordStore store, IOptions<RecordOptions> options, ILogger<VerificationRecordWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Value.MaxBatchSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Value.QueueCapacity, 1, nameof(options));
        this.store = store;
        this.options = options.Value;
        this.logger = logger;
        queue = System.Threading.Channels.Channel.CreateBounded<Pending>(new BoundedChannelOptions(this.options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        // Task.Run keeps the loop off the caller's scheduler (a grain's, when the writer is created for one).
        loop = Task.Run(RunAsync);
    }

    /// <summary>Records dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Calls to the store so far, one per group.</summary>
    public long Appends => Interlocked.Read(ref appends);

    /// <summary>
    /// Queues the record without waiting; false (the record is dropped) when the queue is full. A record no store
    /// would take (<see cref="RecordRules"/>) throws here rather than spoil a group.
    /// </summary>
    public bool TryEnqueue(VerificationRecord record)
    {
        RecordRules.Validate(record);
        if (queue.Writer.TryWrite(new Pending(record, null)))
        {
            return true;
        }

        // Logged at the 1st, 2nd, 4th, 8th, … drop, so a long overload does not flood the log.
        var count = Interlocked.Increment(ref dropped);
        if ((count & (count - 1)) == 0)
        {
            LogDropped(count);
        }

        return false;
    }

    /// <summary>Queues the record (waiting for room if the queue is full) and completes once it is stored.</summary>
    public async Task AppendAsync(VerificationRecord record, CancellationToken cancellationToken = default)
    {
        RecordRules.Validate(record);
        var stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await queue.Writer.WriteAsync(new Pending(record, stored), cancellationToken).ConfigureAwait(false);
        await stored.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops taking records, stores what is queued, then returns.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var group = new List<Pending>(Math.Min(options.MaxBatchSize, 1024));
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (group.Count < options.MaxBatchSize && queue.Reader.TryRead(out var pending))
            {
                group.Add(pending);
            }

            await WriteGroupAsync(group).ConfigureAwait(false);
            group.Clear();
        }
    }

    /// <summary>Stores one group; never throws, so the loop survives any failure of the store.</summary>
    private async Task WriteGroupAsync(List<Pending> group)
    {
        try
        {
            Interlocked.Increment(ref appends);
            await store.AppendAsync([.. group.Select(p => p.Record)]).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            LogGroupFailed(exception, group.Count);
            group.ForEach(p => p.Stored?.TrySetException(exception));
            return;
        }

        group.ForEach(p => p.Stored?.TrySetResult());
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Storing a group of {Count} verification records failed; they are lost")]
    private partial void LogGroupFailed(Exception exception, int count);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "The verification-record queue is full: {Count} records of verifications dropped so far")]
    private partial void LogDropped(long count);

    private sealed record Pending(VerificationRecord Record, TaskCompletionSource? Stored);
}
