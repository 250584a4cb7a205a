using System.Diagnostics;

namespace Vouchers.LoadTests;

/// <summary>
/// Drives one load profile: a single scenario, or the weighted scenarios that share one arrival stream.
/// The open model runs on a dedicated scheduler thread that releases each arrival at (never before) its intended
/// time; the iteration's latency is measured from that intended time, so a stalled system under test cannot hide
/// its stall by slowing the load down (no coordinated omission).
/// </summary>
internal sealed class Lane
{
    private readonly ScenarioRuntime[] runtimes;
    private readonly int[] cumulativeWeights;
    private readonly RunControl control;
    private readonly Random random;

    public Lane(IReadOnlyList<ScenarioRuntime> runtimes, RunControl control, int seed)
    {
        this.runtimes = [.. runtimes];
        this.control = control;
        random = new Random(seed);
        var sum = 0;
        cumulativeWeights = [.. runtimes.Select(r => sum += r.Props.Weight ?? 1)];
    }

    public ScenarioProps Lead => runtimes[0].Props;

    public IReadOnlyList<ScenarioRuntime> Runtimes => runtimes;

    public ScenarioRuntime Pick()
    {
        if (runtimes.Length == 1)
        {
            return runtimes[0];
        }

        var draw = Random.Shared.Next(cumulativeWeights[^1]);
        var i = Array.FindIndex(cumulativeWeights, w => draw < w);
        return runtimes[i];
    }

    /// <summary>Runs the profile from <paramref name="originTimestamp"/> and waits until every iteration it started has ended.</summary>
    public Task RunAsync(IReadOnlyList<LoadSimulation> simulations, OperationType operation, long originTimestamp, TimeSpan drainTimeout) =>
        Task.Factory.StartNew(() => Drive(simulations, operation, originTimestamp, drainTimeout), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Drive(IReadOnlyList<LoadSimulation> simulations, OperationType operation, long origin, TimeSpan drainTimeout)
    {
        var open = new OpenGate(this, operation, Lead.MaxConcurrency, (long)(Lead.MaxLag.TotalSeconds * Stopwatch.Frequency), control);
        var copies = new CopyPool(this, operation, control);
        var frequency = (double)Stopwatch.Frequency;
        foreach (var phase in LoadPlan.Build(simulations))
        {
            var phaseEnd = origin + (long)(phase.End * frequency);
            if (phase.Simulation.IsOpen)
            {
                copies.SetCount(0);
                foreach (var t in LoadPlan.Arrivals(phase, random))
                {
                    if (!WaitUntil(origin + (long)(t * frequency), open))
                    {
                        break;
                    }

                    open.Arrive(origin + (long)(t * frequency));
                }
            }
            else
            {
                while (Stopwatch.GetTimestamp() < phaseEnd && !control.Stopped.IsCancellationRequested)
                {
                    copies.SetCount(LoadPlan.CopiesAt(phase, (Stopwatch.GetTimestamp() - origin) / frequency));
                    WaitUntil(Math.Min(phaseEnd, Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 10)), open);
                }
            }

            WaitUntil(phaseEnd, open);
            if (control.Stopped.IsCancellationRequested)
            {
                break;
            }
        }

        copies.SetCount(0);
        var deadline = Stopwatch.GetTimestamp() + (long)(drainTimeout.TotalSeconds * frequency);
        while ((open.Busy || copies.Running) && Stopwatch.GetTimestamp() < deadline)
        {
            open.PurgeStale();
            Thread.Sleep(5);
        }

        if (open.Busy || copies.Running)
        {
            control.AddError($"{Lead.Name}: iterations were still running {drainTimeout.TotalSeconds:0} s after the load ended; they were cancelled.");
            control.AbortIterations();
            var grace = Stopwatch.GetTimestamp() + (5 * Stopwatch.Frequency);
            while ((open.InFlight > 0 || copies.Running) && Stopwatch.GetTimestamp() < grace)
            {
                Thread.Sleep(5);
            }
        }

        open.DropAllPending();
    }

    /// <summary>Sleeps until the timestamp (never returns before it); false when the run was stopped meanwhile.</summary>
    private bool WaitUntil(long timestamp, OpenGate open)
    {
        while (true)
        {
            if (control.Stopped.IsCancellationRequested)
            {
                return false;
            }

            var remaining = timestamp - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return true;
            }

            open.PurgeStale();
            PreciseSleep.For(Math.Min(remaining, Stopwatch.Frequency / 20));
        }
    }

    /// <summary>The open model's admission: at most MaxConcurrency iterations in flight, a FIFO of arrivals waiting.</summary>
    private sealed class OpenGate(Lane lane, OperationType operation, int maxConcurrency, long maxLagTicks, RunControl control)
    {
        private readonly Lock gate = new();
        private static readonly long InlineLagTicks = Stopwatch.Frequency / 1000;
        private readonly Queue<(ScenarioRuntime Runtime, long Intended)> pending = new();
        private int inFlight;

        public bool Busy
        {
            get
            {
                lock (gate)
                {
                    return inFlight > 0 || pending.Count > 0;
                }
            }
        }

        public int InFlight
        {
            get
            {
                lock (gate)
                {
                    return inFlight;
                }
            }
        }

        /// <summary>
        /// Admits an arrival on the scheduler thread. On time, the iteration starts right here and runs until its
        /// first wait (its request is on the wire), which spares a thread-pool hand-off and the wake-ups it costs;
        /// behind schedule, it goes to the thread pool so the scheduler catches up.
        /// </summary>
        public void Arrive(long intended)
        {
            var runtime = lane.Pick();
            runtime.Current.CountIntended();
            lock (gate)
            {
                if (inFlight >= maxConcurrency)
                {
                    pending.Enqueue((runtime, intended));
                    return;
                }

                inFlight++;
            }

            if (Stopwatch.GetTimestamp() - intended < InlineLagTicks)
            {
                _ = RunAsync(runtime, intended);
            }
            else
            {
                Launch(runtime, intended);
            }
        }

        /// <summary>Arrivals that waited longer than the lag tolerance are dropped, as k6 drops iterations.</summary>
        public void PurgeStale()
        {
            lock (gate)
            {
                var now = Stopwatch.GetTimestamp();
                while (pending.TryPeek(out var p) && now - p.Intended > maxLagTicks)
                {
                    pending.Dequeue();
                    p.Runtime.Current.CountDropped(now);
                }
            }
        }

        public void DropAllPending()
        {
            lock (gate)
            {
                var now = Stopwatch.GetTimestamp();
                while (pending.TryDequeue(out var p))
                {
                    p.Runtime.Current.CountDropped(now);
                }
            }
        }

        private void Launch(ScenarioRuntime runtime, long intended) =>
            ThreadPool.UnsafeQueueUserWorkItem(static s => _ = s.Gate.RunAsync(s.Runtime, s.Intended), (Gate: this, Runtime: runtime, Intended: intended), preferLocal: false);

        private async Task RunAsync(ScenarioRuntime runtime, long intended)
        {
            try
            {
                await runtime.ExecuteAsync(intended, -1, operation);
            }
            finally
            {
                Completed();
            }
        }

        /// <summary>A slot is free: hand it to the oldest waiting arrival that is still within the lag tolerance.</summary>
        private void Completed()
        {
            (ScenarioRuntime Runtime, long Intended)? next = null;
            lock (gate)
            {
                var now = Stopwatch.GetTimestamp();
                while (pending.TryDequeue(out var p))
                {
                    if (control.Stopped.IsCancellationRequested || now - p.Intended > maxLagTicks)
                    {
                        p.Runtime.Current.CountDropped(now);
                        continue;
                    }

                    next = p;
                    break;
                }

                if (next is null)
                {
                    inFlight--;
                }
            }

            if (next is { } n)
            {
                Launch(n.Runtime, n.Intended);
            }
        }
    }

    /// <summary>The closed model's copies: each runs iterations back to back until told to stop.</summary>
    private sealed class CopyPool(Lane lane, OperationType operation, RunControl control)
    {
        private readonly List<Copy> active = [];
        private readonly List<Task> all = [];

        public bool Running => all.Any(t => !t.IsCompleted);

        public void SetCount(int count)
        {
            while (active.Count < count)
            {
                var copy = new Copy(active.Count);
                copy.Task = Task.Run(() => LoopAsync(copy));
                active.Add(copy);
                all.Add(copy.Task);
            }

            while (active.Count > count)
            {
                active[^1].Stop = true;
                active.RemoveAt(active.Count - 1);
            }
        }

        private async Task LoopAsync(Copy copy)
        {
            while (!copy.Stop && !control.Stopped.IsCancellationRequested)
            {
                var runtime = lane.Pick();
                runtime.Current.CountIntended();
                await runtime.ExecuteAsync(Stopwatch.GetTimestamp(), copy.Number, operation);
            }
        }

        private sealed class Copy(int number)
        {
            public int Number { get; } = number;
            public volatile bool Stop;
            public Task Task { get; set; } = Task.CompletedTask;
        }
    }
}
