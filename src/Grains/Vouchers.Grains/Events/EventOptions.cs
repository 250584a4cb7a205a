namespace Vouchers.Grains.Events;

/// <summary>The event pipeline's settings (section <c>Events</c>).</summary>
public sealed class EventOptions
{
    public const string Section = "Events";

    /// <summary>
    /// Whether changes write events at all. Off, nothing is written to the outbox, nothing is published and the
    /// statistics stand still: a switch to measure what the events cost (docs/BENCHMARKS.md), not to run with.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Streams the events are spread over (by batch), each with one pump and one consumer of each kind.</summary>
    public int Streams { get; set; } = 4;

    /// <summary>How often an idle pump looks for new events.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Most events a pump publishes as one page.</summary>
    public int PageSize { get; set; } = 1000;

    /// <summary>How often a consumer with unsaved counts writes its state (never once per event).</summary>
    public TimeSpan SaveInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the pump writes the Expired events of the claims that have expired since (<see cref="ExpirySweep"/>).</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long after a claim's expiry instant its Expired event is written at the earliest.</summary>
    public TimeSpan ExpiryGrace { get; set; } = TimeSpan.FromMinutes(1);
}
