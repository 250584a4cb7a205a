namespace Vouchers.Grains.Records;

/// <summary>How verification records are buffered and, in zero-setup mode, how many are kept (section "Records").</summary>
public sealed class RecordOptions
{
    public const string Section = "Records";

    /// <summary>
    /// The in-memory store keeps at most this many records per institution, dropping the oldest (zero-setup mode only;
    /// PostgreSQL keeps every record).
    /// </summary>
    public int MemoryCapPerInstitution { get; set; } = 10_000;

    /// <summary>The most records one write to the store carries.</summary>
    public int MaxBatchSize { get; set; } = 1_000;

    /// <summary>
    /// Records that may wait for the silo's writer. Beyond that a verification's record is dropped (and counted in the
    /// log), never waited for; a use waits for room, since its record must be stored before it is answered.
    /// </summary>
    public int QueueCapacity { get; set; } = 65_536;
}
