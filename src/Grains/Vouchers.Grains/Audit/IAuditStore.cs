using Vouchers.Contracts;

namespace Vouchers.Grains.Audit;

/// <summary>
/// The audit trail: append-only, kept outside every grain's state, read newest first a page at a time, scoped to a
/// region prefix. Memory in the zero-setup mode, the <c>vouchers_audit_records</c> table in cluster mode.
/// </summary>
public interface IAuditStore
{
    /// <summary>
    /// Stores the record and completes when it is durable (PostgreSQL: after the commit); returns the record as stored,
    /// with the id the store assigned and its time kept to whole microseconds. A record that breaks
    /// <see cref="AuditRules"/> throws <see cref="ArgumentException"/> and is not stored.
    /// </summary>
    Task<AuditRecord> AppendAsync(AuditRecord record, CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of the records whose region starts with <paramref name="regionPrefix"/> ("" for all) and that pass the
    /// query's filters, newest first (by time, then id), starting after the query's cursor. The limit is 1 to
    /// <see cref="RecordQuery.MaxLimit"/>.
    /// </summary>
    Task<AuditPage> QueryAsync(string regionPrefix, AuditQuery query, CancellationToken cancellationToken = default);
}
