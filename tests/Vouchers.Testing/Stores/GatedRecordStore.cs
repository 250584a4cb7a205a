using Vouchers.Contracts;
using Vouchers.Grains.Records;

namespace Vouchers.Testing.Stores;

/// <summary>
/// The in-memory record store behind a gate the test opens and closes, so a test can hold the store as a slow or
/// stuck database would hold it, or make it fail.
/// </summary>
public sealed class GatedRecordStore : IVerificationRecordStore
{
    private readonly Lock gate = new();
    private TaskCompletionSource open = Opened();
    private TaskCompletionSource waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int appends;

    public MemoryVerificationRecordStore Inner { get; } = new();

    /// <summary>When set, every append that passes the gate throws this (and stores nothing).</summary>
    public Exception? FailWith { get; set; }

    /// <summary>Calls of <see cref="AppendAsync"/> so far.</summary>
    public int Appends => Volatile.Read(ref appends);

    /// <summary>Appends from now on wait until <see cref="Open"/>; the task completes when the first of them is waiting.</summary>
    public Task CloseAsync()
    {
        lock (gate)
        {
            open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return waiting.Task;
        }
    }

    public void Open()
    {
        lock (gate)
        {
            open.TrySetResult();
        }
    }

    public async Task AppendAsync(IReadOnlyList<VerificationRecord> records, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref appends);
        Task pass;
        lock (gate)
        {
            pass = open.Task;
            if (!pass.IsCompleted)
            {
                waiting.TrySetResult();
            }
        }

        await pass.WaitAsync(cancellationToken);
        if (FailWith is { } failure)
        {
            throw failure;
        }

        await Inner.AppendAsync(records, cancellationToken);
    }

    public Task<RecordPage> QueryAsync(string institutionId, RecordQuery query, CancellationToken cancellationToken = default) =>
        Inner.QueryAsync(institutionId, query, cancellationToken);

    private static TaskCompletionSource Opened()
    {
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        opened.SetResult();
        return opened;
    }
}
