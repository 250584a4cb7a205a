namespace Vouchers.Integration.Tests.Infrastructure;

/// <summary>Polls a condition until it holds or a deadline passes; never a blind sleep.</summary>
internal static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>Returns the first non-null result of <paramref name="probe"/>; throws with <paramref name="describe"/> at the deadline.</summary>
    public static async Task<T> ReturnsAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> describe)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } result)
            {
                return result;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Not within {timeout.TotalSeconds:0}s: {describe()}");
            }

            await Task.Delay(Interval);
        }
    }

    public static Task HoldsAsync(Func<Task<bool>> probe, TimeSpan timeout, Func<string> describe) =>
        ReturnsAsync(async () => await probe() ? string.Empty : null, timeout, describe);
}
