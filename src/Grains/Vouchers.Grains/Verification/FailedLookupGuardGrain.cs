namespace Vouchers.Grains.Verification;

/// <summary>
/// A fixed window per institution: more than <c>limit</c> failed lookups within one window refuse the institution's
/// lookups until the window ends. Nothing is persisted; the guard only ever sees failures, never a valid lookup.
/// </summary>
internal sealed class FailedLookupGuardGrain(TimeProvider time) : Grain, IFailedLookupGuardGrain
{
    private DateTimeOffset windowEnds;
    private int failures;

    public Task<DateTimeOffset?> RecordAsync(int limit, TimeSpan window)
    {
        var now = time.GetUtcNow();
        if (now >= windowEnds)
        {
            windowEnds = now + window;
            failures = 0;
        }

        failures++;
        return Task.FromResult<DateTimeOffset?>(failures > limit ? windowEnds : null);
    }
}
