namespace Vouchers.LoadTests;

/// <summary>One stage of a scenario's load profile, as NBomber's <c>LoadSimulation</c>.</summary>
public abstract record LoadSimulation(TimeSpan During)
{
    /// <summary>True for the open model (arrivals on a schedule), false for copies running in loops.</summary>
    internal abstract bool IsOpen { get; }

    /// <summary>Arrivals per second at the end of this stage (what a following ramp starts from).</summary>
    internal virtual double EndRate => 0;

    /// <summary>Copies at the end of this stage (what a following ramp starts from).</summary>
    internal virtual int EndCopies => 0;
}

/// <summary><paramref name="Rate"/> arrivals per <paramref name="Interval"/>, evenly spaced (or a Poisson stream).</summary>
public sealed record InjectSimulation(int Rate, TimeSpan Interval, TimeSpan During, bool Poisson) : LoadSimulation(During)
{
    internal override bool IsOpen => true;
    internal override double EndRate => Rate / Interval.TotalSeconds;
}

/// <summary>Arrival rate changing linearly from the previous stage's rate to <paramref name="Rate"/> per interval.</summary>
public sealed record RampingInjectSimulation(int Rate, TimeSpan Interval, TimeSpan During) : LoadSimulation(During)
{
    internal override bool IsOpen => true;
    internal override double EndRate => Rate / Interval.TotalSeconds;
}

/// <summary>Each interval draws a rate between the bounds; arrivals within it form a Poisson stream.</summary>
public sealed record InjectRandomSimulation(int MinRate, int MaxRate, TimeSpan Interval, TimeSpan During) : LoadSimulation(During)
{
    internal override bool IsOpen => true;
    internal override double EndRate => (MinRate + MaxRate) / 2.0 / Interval.TotalSeconds;
}

/// <summary>Closed model: <paramref name="Copies"/> copies run the scenario in loops, each starting when the last ended.</summary>
public sealed record KeepConstantSimulation(int Copies, TimeSpan During) : LoadSimulation(During)
{
    internal override bool IsOpen => false;
    internal override int EndCopies => Copies;
}

/// <summary>Closed model with the number of copies changing linearly from the previous stage's to <paramref name="Copies"/>.</summary>
public sealed record RampingConstantSimulation(int Copies, TimeSpan During) : LoadSimulation(During)
{
    internal override bool IsOpen => false;
    internal override int EndCopies => Copies;
}

/// <summary>No load for a while.</summary>
public sealed record PauseSimulation(TimeSpan During) : LoadSimulation(During)
{
    internal override bool IsOpen => false;
}

/// <summary>Factory methods named as NBomber's.</summary>
public static class Simulation
{
    public static LoadSimulation Inject(int rate, TimeSpan interval, TimeSpan during, bool poisson = false) =>
        new InjectSimulation(NotNegative(rate), Positive(interval), Positive(during), poisson);

    public static LoadSimulation RampingInject(int rate, TimeSpan interval, TimeSpan during) =>
        new RampingInjectSimulation(NotNegative(rate), Positive(interval), Positive(during));

    public static LoadSimulation InjectRandom(int minRate, int maxRate, TimeSpan interval, TimeSpan during)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRate, minRate);
        return new InjectRandomSimulation(NotNegative(minRate), maxRate, Positive(interval), Positive(during));
    }

    public static LoadSimulation KeepConstant(int copies, TimeSpan during) => new KeepConstantSimulation(NotNegative(copies), Positive(during));

    public static LoadSimulation RampingConstant(int copies, TimeSpan during) => new RampingConstantSimulation(NotNegative(copies), Positive(during));

    public static LoadSimulation Pause(TimeSpan during) => new PauseSimulation(Positive(during));

    private static int NotNegative(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return value;
    }

    private static TimeSpan Positive(TimeSpan value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
        return value;
    }
}

/// <summary>A simulation placed on the run's time line, with the rate or copies a ramp starts from.</summary>
internal sealed record Phase(LoadSimulation Simulation, double Start, double End, double FromRate, int FromCopies)
{
    public double Duration => End - Start;
}

/// <summary>Turns simulations into phases and phases into intended arrival times (seconds from the start).</summary>
internal static class LoadPlan
{
    public static IReadOnlyList<Phase> Build(IReadOnlyList<LoadSimulation> simulations)
    {
        var phases = new List<Phase>(simulations.Count);
        var at = 0.0;
        LoadSimulation? previous = null;
        foreach (var s in simulations)
        {
            var end = at + s.During.TotalSeconds;
            phases.Add(new Phase(s, at, end, previous?.EndRate ?? 0, previous?.EndCopies ?? 0));
            previous = s;
            at = end;
        }

        return phases;
    }

    public static double Duration(IReadOnlyList<LoadSimulation> simulations) => simulations.Sum(s => s.During.TotalSeconds);

    /// <summary>The first <paramref name="duration"/> of the profile (the warm-up runs the profile's beginning).</summary>
    public static IReadOnlyList<LoadSimulation> Truncate(IReadOnlyList<LoadSimulation> simulations, TimeSpan duration)
    {
        var result = new List<LoadSimulation>();
        var left = duration;
        foreach (var s in simulations)
        {
            if (left <= TimeSpan.Zero)
            {
                break;
            }

            result.Add(s.During <= left ? s : s with { During = left });
            left -= s.During;
        }

        return result;
    }

    /// <summary>Intended arrival times of an open phase, ascending, in seconds from the start of the run.</summary>
    public static IEnumerable<double> Arrivals(Phase phase, Random random)
    {
        switch (phase.Simulation)
        {
            case InjectSimulation { Poisson: false } s:
                return Even(phase.Start, phase.End, s.Rate / s.Interval.TotalSeconds);
            case InjectSimulation s:
                return Poisson(phase.Start, phase.End, s.Rate / s.Interval.TotalSeconds, random);
            case RampingInjectSimulation s:
                return Ramp(phase.Start, phase.End, phase.FromRate, s.Rate / s.Interval.TotalSeconds);
            case InjectRandomSimulation s:
                return RandomWindows(phase.Start, phase.End, s, random);
            default:
                return [];
        }
    }

    /// <summary>Copies a closed phase wants at <paramref name="t"/> seconds from the start of the run.</summary>
    public static int CopiesAt(Phase phase, double t) => phase.Simulation switch
    {
        KeepConstantSimulation s => s.Copies,
        RampingConstantSimulation s => (int)Math.Round(phase.FromCopies + ((s.Copies - phase.FromCopies) * Math.Clamp((t - phase.Start) / phase.Duration, 0, 1))),
        _ => 0,
    };

    private static IEnumerable<double> Even(double start, double end, double rate)
    {
        if (rate <= 0)
        {
            yield break;
        }

        // Index-based (not accumulated) so rounding never drifts over a long phase.
        for (long k = 0; ; k++)
        {
            var t = start + (k / rate);
            if (t >= end)
            {
                yield break;
            }

            yield return t;
        }
    }

    private static IEnumerable<double> Poisson(double start, double end, double rate, Random random)
    {
        if (rate <= 0)
        {
            yield break;
        }

        var t = start;
        while (true)
        {
            t += -Math.Log(1 - random.NextDouble()) / rate;
            if (t >= end)
            {
                yield break;
            }

            yield return t;
        }
    }

    /// <summary>Rate r(t) = r0 + (r1 - r0) t / D; the k-th arrival is where the expected count N(t) reaches k.</summary>
    private static IEnumerable<double> Ramp(double start, double end, double r0, double r1)
    {
        var duration = end - start;
        var a = (r1 - r0) / (2 * duration);
        var b = r0;
        for (long k = 0; ; k++)
        {
            double t;
            if (Math.Abs(a) < 1e-12)
            {
                if (b <= 0)
                {
                    yield break;
                }

                t = k / b;
            }
            else
            {
                var discriminant = (b * b) + (4 * a * k);
                if (discriminant < 0)
                {
                    yield break;
                }

                t = (-b + Math.Sqrt(discriminant)) / (2 * a);
            }

            if (t >= duration || t < 0)
            {
                yield break;
            }

            yield return start + t;
        }
    }

    private static IEnumerable<double> RandomWindows(double start, double end, InjectRandomSimulation s, Random random)
    {
        var interval = s.Interval.TotalSeconds;
        for (var window = start; window < end; window += interval)
        {
            var rate = (s.MinRate + (random.NextDouble() * (s.MaxRate - s.MinRate))) / interval;
            foreach (var t in Poisson(window, Math.Min(window + interval, end), rate, random))
            {
                yield return t;
            }
        }
    }
}
