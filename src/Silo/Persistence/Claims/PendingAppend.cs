using Vouchers.Grains.Claims;

namespace Vouchers.Silo.Persistence.Claims;

/// <summary>
/// One queued append and its answer. A writer takes it unless the caller's cancellation got there first; once taken
/// it ends with its real outcome (or the failure of its group), whatever the caller's token does.
/// </summary>
internal sealed class PendingAppend(StoredClaim claim)
    : TaskCompletionSource<AppendOutcome>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    private const int Queued = 0;
    private const int Taken = 1;
    private const int Cancelled = 2;

    private int state = Queued;

    public StoredClaim Claim { get; } = claim;

    /// <summary>False when the append was cancelled while it waited; from true on it ends with its real outcome.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref state, Taken, Queued) == Queued;

    public async Task<AppendOutcome> WaitAsync(CancellationToken cancellationToken)
    {
        using (cancellationToken.Register(static (self, token) => ((PendingAppend)self!).Cancel(token), this))
        {
            return await Task.ConfigureAwait(false);
        }
    }

    private void Cancel(CancellationToken token)
    {
        if (Interlocked.CompareExchange(ref state, Cancelled, Queued) == Queued)
        {
            TrySetCanceled(token);
        }
    }
}
