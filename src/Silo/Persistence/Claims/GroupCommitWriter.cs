using System.Diagnostics;
using System.Threading.Channels;

namespace Vouchers.Silo.Persistence.Claims;

/// <summary>
/// The bounded queue of appends and the writer threads that empty it: each waits for the first queued append, takes
/// whatever else is queued at that moment (up to <see cref="ClaimStoreOptions.MaxBatchSize"/>, lingering a little
/// while busy) and hands the group to <see cref="GroupInsert"/>.
/// </summary>
internal sealed class GroupCommitWriter
{
    /// <summary>A writer that wrote a group less than this long ago counts as busy and lingers.</summary>
    private static readonly TimeSpan BusyWindow = TimeSpan.FromMilliseconds(10);

    private readonly ClaimStoreOptions options;
    private readonly GroupInsert insert;
    private readonly Channel<PendingAppend> queue;
    private readonly Task[] writers;

    /// <summary>Starts <see cref="ClaimStoreOptions.Writers"/> writer threads at once.</summary>
    public GroupCommitWriter(ClaimStoreOptions options, GroupInsert insert)
    {
        this.options = options;
        this.insert = insert;
        queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = options.Writers == 1,
            FullMode = BoundedChannelFullMode.Wait,
        });
        // Each writer is a thread of its own (LongRunning), off the caller's scheduler (a grain's, when the store is
        // created inside one) and off the thread pool: see RunWriter.
        writers = [.. Enumerable.Range(0, options.Writers).Select(_ => Task.Factory.StartNew(
            RunWriter, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))];
    }

    /// <summary>Queues the append; false, and nothing queued, when the queue is full or completed.</summary>
    public bool TryEnqueue(PendingAppend pending) => queue.Writer.TryWrite(pending);

    /// <summary>Stops taking appends, lets the writers write everything already queued, then returns.</summary>
    public async Task CompleteAsync()
    {
        queue.Writer.TryComplete();
        await Task.WhenAll(writers).ConfigureAwait(false);
    }

    /// <summary>
    /// One writer's loop. It blocks its own thread (waits, linger, synchronous Npgsql round trips) instead of awaiting:
    /// under load the thread pool's queue holds thousands of work items, and a writer whose every step waited its
    /// turn there kept the queued claims waiting too (tens of milliseconds at 1,500 claims/s on two cores).
    /// </summary>
    private void RunWriter()
    {
        var group = new List<PendingAppend>(options.MaxBatchSize);
        long? lastWrite = null;
        while (WaitToRead())
        {
            Drain(group);

            // Busy (a group was written moments ago): wait a little for more appends, so one commit carries more
            // claims. An append at a quiet time is written at once.
            if (group.Count < options.MaxBatchSize && options.Linger > TimeSpan.Zero
                && lastWrite is { } last && Stopwatch.GetElapsedTime(last) < BusyWindow)
            {
                Thread.Sleep(options.Linger);
                Drain(group);
            }

            if (group.Count > 0)
            {
                insert.Write(group);
                group.Clear();
                lastWrite = Stopwatch.GetTimestamp();
            }
        }
    }

    private void Drain(List<PendingAppend> group)
    {
        while (group.Count < options.MaxBatchSize && queue.Reader.TryRead(out var pending))
        {
            if (pending.TryTake())
            {
                group.Add(pending);
            }
        }
    }

    private bool WaitToRead()
    {
        var wait = queue.Reader.WaitToReadAsync();
        return wait.IsCompleted ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
    }
}
