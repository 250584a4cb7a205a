using System.Diagnostics;

namespace Vouchers.Testing;

/// <summary>
/// Waits for something that happens in the background by asking again until a deadline: the one way tests wait
/// (never a blind sleep). At the deadline it fails with a <see cref="TimeoutException"/> that says what was awaited
/// and what was last seen.
/// </summary>
public static class Poll
{
    /// <summary>How long to wait between two probes unless the caller says otherwise.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Probes until <paramref name="done"/> holds for the result and returns that result. At the deadline it throws,
    /// saying <paramref name="awaited"/> for the last result.
    /// </summary>
    public static async Task<T> UntilAsync<T>(
        Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, Func<T, string> awaited, TimeSpan? interval = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var result = await probe();
            if (done(result))
            {
                return result;
            }

            if (clock.Elapsed >= timeout)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0.#} s in vain for {awaited(result)}");
            }

            await Task.Delay(interval ?? DefaultInterval);
        }
    }

    /// <summary>Probes until it returns something and returns that; at the deadline it throws, saying <paramref name="awaited"/>.</summary>
    public static async Task<T> UntilFoundAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> awaited, TimeSpan? interval = null)
        where T : class =>
        (await UntilAsync(probe, found => found is not null, timeout, _ => awaited(), interval))!;

    /// <summary>Probes until <paramref name="condition"/> holds; at the deadline it throws, saying <paramref name="awaited"/>.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> awaited, TimeSpan? interval = null) =>
        UntilAsync(condition, holds => holds, timeout, _ => awaited(), interval);
}
