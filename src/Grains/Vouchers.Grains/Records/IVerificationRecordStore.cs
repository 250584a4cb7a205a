using Vouchers.Contracts;

namespace Vouchers.Grains.Records;

/// <summary>
/// The institutions' verification records (验券记录): append-only, kept outside every grain's state so that no hot grain
/// grows with them, read newest first a page at a time. Writers reach it through <see cref="VerificationRecordWriter"/>,
/// which collects records into groups so the verify path never waits for a store.
/// </summary>
public interface IVerificationRecordStore
{
    /// <summary>
    /// Stores the records in one go and completes when they are durable (PostgreSQL: after the commit). The store
    /// assigns each record its id; the ids the records carry are ignored, and times are kept to whole microseconds.
    /// </summary>
    Task AppendAsync(IReadOnlyList<VerificationRecord> records, CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of the institution's records that pass the query's filters, newest first (by time, then id), starting
    /// after the query's cursor. <see cref="RecordPage.Next"/> is set when more records may follow. The limit is
    /// 1 to <see cref="RecordQuery.MaxLimit"/>.
    /// </summary>
    Task<RecordPage> QueryAsync(string institutionId, RecordQuery query, CancellationToken cancellationToken = default);
}
