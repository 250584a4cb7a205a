using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Vouchers.LoadTests;

/// <summary>
/// Sleeps with sub-millisecond resolution where the OS offers it (Linux usleep: tens of microseconds), so arrivals start close
/// to their intended time without spinning a core; elsewhere falls back to Thread.Sleep (~1 ms).
/// </summary>
internal static partial class PreciseSleep
{
    private static readonly bool Native = OperatingSystem.IsLinux() && Probe();

    public static void For(long stopwatchTicks)
    {
        if (stopwatchTicks <= 0)
        {
            return;
        }

        var microseconds = stopwatchTicks * 1_000_000 / Stopwatch.Frequency;
        if (Native && microseconds < 1_000_000)
        {
            _ = usleep((uint)Math.Max(microseconds, 20));
        }
        else
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(Math.Max(1, microseconds / 1000)));
        }
    }

    private static bool Probe()
    {
        try
        {
            return usleep(1) == 0;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", SetLastError = false)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int usleep(uint microseconds);
}
