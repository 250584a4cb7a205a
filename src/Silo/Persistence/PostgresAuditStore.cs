using System.Collections.Immutable;
using Npgsql;
using NpgsqlTypes;
using Vouchers.Contracts;
using Vouchers.Grains.Audit;

namespace Vouchers.Silo.Persistence;

/// <summary>
/// <see cref="IAuditStore"/> on the <c>vouchers_audit_records</c> table (migration 0008): one INSERT per record,
/// committed before the change it records is answered; a page is one keyset query, newest first.
/// </summary>
/// <remarks>
/// The query's text is constant: absent time bounds become bounds that let every row through, absent filters are
/// null parameters, so one plan serves every combination. Admin changes are rare (a few a minute), so a record is
/// written on its own rather than in groups.
/// </remarks>
public sealed class PostgresAuditStore(NpgsqlDataSource dataSource) : IAuditStore
{
    private const string InsertSql = """
        INSERT INTO vouchers_audit_records (occurred_at, actor_key_id, action, target_id, region_code, before_state, after_state, client_address)
        VALUES (@occurred_at, @actor, @action, @target, @region, @before, @after, @client)
        RETURNING id
        """;

    private const string QuerySql = """
        SELECT id, occurred_at, actor_key_id, action, target_id, region_code, before_state, after_state, client_address
        FROM vouchers_audit_records
        WHERE starts_with(region_code, @region)
          AND occurred_at >= @from AND occurred_at < @to
          AND (occurred_at, id) < (@after_at, @after_id)
          AND (@actor::text IS NULL OR actor_key_id = @actor)
          AND (@action::text IS NULL OR action = @action)
          AND (@target::text IS NULL OR target_id = @target)
        ORDER BY occurred_at DESC, id DESC
        LIMIT @limit
        """;

    // Bounds that let every row through when a filter is absent (the timestamps of the table are finite).
    private static readonly DateTimeOffset Earliest = new(1, 1, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Latest = new(9999, 12, 30, 0, 0, 0, TimeSpan.Zero);

    public async Task<AuditRecord> AppendAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        AuditRules.Validate(record);
        var stored = record with { OccurredAt = VerificationRecord.Instant(record.OccurredAt) };
        await using var command = dataSource.CreateCommand(InsertSql);
        command.Parameters.AddWithValue("occurred_at", stored.OccurredAt);
        command.Parameters.AddWithValue("actor", stored.Actor);
        command.Parameters.AddWithValue("action", stored.Action);
        command.Parameters.AddWithValue("target", stored.TargetId);
        command.Parameters.AddWithValue("region", stored.RegionCode);
        command.Parameters.Add(Text("before", stored.Before));
        command.Parameters.AddWithValue("after", stored.After!);
        command.Parameters.Add(Text("client", stored.ClientAddress));
        var id = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return stored with { Id = id };
    }

    public async Task<AuditPage> QueryAsync(string regionPrefix, AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(regionPrefix);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, RecordQuery.MaxLimit, nameof(query));

        await using var command = dataSource.CreateCommand(QuerySql);
        command.Parameters.AddWithValue("region", regionPrefix);
        command.Parameters.AddWithValue("from", Clamp(query.From ?? Earliest));
        command.Parameters.AddWithValue("to", Clamp(query.To ?? Latest));
        command.Parameters.AddWithValue("after_at", Clamp(query.After?.OccurredAt ?? Latest));
        command.Parameters.AddWithValue("after_id", query.After?.Id ?? long.MaxValue);
        command.Parameters.Add(Text("actor", query.Actor));
        command.Parameters.Add(Text("action", query.Action));
        command.Parameters.Add(Text("target", query.TargetId));
        command.Parameters.AddWithValue("limit", query.Limit + 1); // one more tells whether another page follows

        var records = ImmutableArray.CreateBuilder<AuditRecord>(query.Limit + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                records.Add(new AuditRecord(
                    reader.GetInt64(0),
                    reader.GetFieldValue<DateTimeOffset>(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.GetString(4),
                    reader.GetString(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.GetString(7),
                    reader.IsDBNull(8) ? null : reader.GetString(8)));
            }
        }

        if (records.Count <= query.Limit)
        {
            return new AuditPage(records.ToImmutable(), null);
        }

        records.RemoveAt(records.Count - 1);
        var last = records[^1];
        return new AuditPage(records.ToImmutable(), new RecordCursor(last.OccurredAt, last.Id));
    }

    private static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    private static DateTimeOffset Clamp(DateTimeOffset time) =>
        time < Earliest ? Earliest : time > Latest ? Latest : time.ToUniversalTime();
}
