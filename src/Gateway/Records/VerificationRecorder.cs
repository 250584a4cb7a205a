using System.Threading.Channels;
using Vouchers.Contracts;

namespace Vouchers.Gateway.Records;

/// <summary>
/// Takes the records of verifications off the request path: <see cref="Record"/> only puts the record in a bounded
/// in-process queue, and a background loop sends whatever has queued up to an <see cref="IVerificationRecordsGrain"/>
/// in one call (at most <see cref="MaxBatch"/> records), which hands them to its silo's writer. So a verification
/// never waits for a grain call or a database, and thousands of them cost a handful of messages.
/// </summary>
/// <remarks>
/// Verification records are a log, not a promise: when the queue is full (<see cref="Capacity"/> records, the cluster
/// not keeping up) or the gateway dies, the records still queued are lost, and counted in the log. Uses are recorded by
/// the voucher itself, before the use is answered.
/// </remarks>
public sealed partial class VerificationRecorder(IGrainFactory grains, ILogger<VerificationRecorder> logger) : BackgroundService
{
    public const int Capacity = 16_384;
    public const int MaxBatch = 512;

    /// <summary>
    /// How long the loop lets records gather after the first one arrives, unless a full batch is there sooner: at
    /// thousands of verifications a second this turns one message (and one database group) per handful of records into
    /// one per few hundred, for a record showing up at most this much later.
    /// </summary>
    public static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(20);

    private readonly System.Threading.Channels.Channel<VerificationRecord> queue = System.Threading.Channels.Channel.CreateBounded<VerificationRecord>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait, // with TryWrite: refuse (and count) rather than wait
    });

    private long dropped;

    /// <summary>Records dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Queues the record; never waits.</summary>
    public void Record(VerificationRecord record)
    {
        if (queue.Writer.TryWrite(record))
        {
            return;
        }

        // Logged at the 1st, 2nd, 4th, 8th, … drop, so a long overload does not flood the log.
        var count = Interlocked.Increment(ref dropped);
        if ((count & (count - 1)) == 0)
        {
            LogDropped(count);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<VerificationRecord>(MaxBatch);
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                if (queue.Reader.Count < MaxBatch)
                {
                    await Task.Delay(Linger, stoppingToken);
                }

                await SendAsync(batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping (before the cluster connection does): send what is queued, once.
            queue.Writer.TryComplete();
            while (queue.Reader.TryPeek(out _))
            {
                await SendAsync(batch);
            }
        }
    }

    private async Task SendAsync(List<VerificationRecord> batch)
    {
        while (batch.Count < MaxBatch && queue.Reader.TryRead(out var record))
        {
            batch.Add(record);
        }

        try
        {
            await grains.GetGrain<IVerificationRecordsGrain>(0).AppendAsync([.. batch]);
        }
        catch (Exception exception)
        {
            LogSendFailed(exception, batch.Count);
        }
        finally
        {
            batch.Clear();
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "The verification-record queue is full: {Count} records dropped so far")]
    private partial void LogDropped(long count);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Sending {Count} verification records to the cluster failed; they are lost")]
    private partial void LogSendFailed(Exception exception, int count);
}
