using System.Collections.Frozen;
using System.Collections.Immutable;
using Npgsql;
using Vouchers.Contracts;
using Vouchers.Grains.Records;

namespace Vouchers.Silo.Persistence;

/// <summary>
/// <see cref="IVerificationRecordStore"/> on the <c>vouchers_verification_records</c> table (migration 0006). Each call
/// of <see cref="AppendAsync"/> is one multi-row INSERT (the silo's <see cref="VerificationRecordWriter"/> makes the
/// groups); a page is one keyset query on <c>(institution_id, occurred_at DESC, id DESC)</c>.
/// </summary>
/// <remarks>
/// The query's text is constant: absent filters become bounds that let every row through (the whole time line, every
/// kind and result), so one prepared plan serves every combination and the cursor is always an index condition.
/// </remarks>
public sealed class PostgresVerificationRecordStore(NpgsqlDataSource dataSource) : IVerificationRecordStore
{
    private const string InsertSql = """
        INSERT INTO vouchers_verification_records (institution_id, occurred_at, kind, masked_code, result, clerk_key_id,
                                                   device_id, mode, course_id, class_id)
        SELECT * FROM unnest(@institution_ids::text[], @occurred_at::timestamptz[], @kinds::text[], @masked_codes::text[],
                             @results::text[], @clerks::text[], @device_ids::text[], @modes::text[], @course_ids::text[],
                             @class_ids::text[])
        """;

    private const string QuerySql = """
        SELECT id, occurred_at, kind, masked_code, result, clerk_key_id, device_id, mode, course_id, class_id
        FROM vouchers_verification_records
        WHERE institution_id = @institution_id
          AND occurred_at >= @from AND occurred_at < @to
          AND (occurred_at, id) < (@after_at, @after_id)
          AND kind = ANY(@kinds) AND result = ANY(@results)
        ORDER BY occurred_at DESC, id DESC
        LIMIT @limit
        """;

    private static readonly FrozenDictionary<RecordKind, string> KindNames = NamesOf<RecordKind>();
    private static readonly FrozenDictionary<VerifyVerdict, string> ResultNames = NamesOf<VerifyVerdict>();
    private static readonly FrozenDictionary<UseMode, string> ModeNames = NamesOf<UseMode>();
    private static readonly FrozenDictionary<string, RecordKind> Kinds = KindNames.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
    private static readonly FrozenDictionary<string, VerifyVerdict> Results = ResultNames.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
    private static readonly FrozenDictionary<string, UseMode> Modes = ModeNames.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    // Bounds that let every row through when a filter is absent (the timestamps of the table are finite).
    private static readonly DateTimeOffset Earliest = new(1, 1, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Latest = new(9999, 12, 30, 0, 0, 0, TimeSpan.Zero);

    public async Task AppendAsync(IReadOnlyList<VerificationRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        foreach (var record in records)
        {
            RecordRules.Validate(record);
        }

        await using var command = dataSource.CreateCommand(InsertSql);
        command.Parameters.Add(Column("institution_ids", records, r => r.InstitutionId));
        command.Parameters.Add(Column("occurred_at", records, r => VerificationRecord.Instant(r.OccurredAt)));
        command.Parameters.Add(Column("kinds", records, r => KindNames[r.Kind]));
        command.Parameters.Add(Column("masked_codes", records, r => r.MaskedCode));
        command.Parameters.Add(Column("results", records, r => ResultNames[r.Result]));
        command.Parameters.Add(Column("clerks", records, r => r.Clerk));
        command.Parameters.Add(Column("device_ids", records, r => r.DeviceId));
        command.Parameters.Add(Column("modes", records, r => r.Mode is { } mode ? ModeNames[mode] : null));
        command.Parameters.Add(Column("course_ids", records, r => r.CourseId));
        command.Parameters.Add(Column("class_ids", records, r => r.ClassId));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<RecordPage> QueryAsync(string institutionId, RecordQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, RecordQuery.MaxLimit, nameof(query));

        await using var command = dataSource.CreateCommand(QuerySql);
        command.Parameters.AddWithValue("institution_id", institutionId);
        command.Parameters.AddWithValue("from", Clamp(query.From ?? Earliest));
        command.Parameters.AddWithValue("to", Clamp(query.To ?? Latest));
        command.Parameters.AddWithValue("after_at", Clamp(query.After?.OccurredAt ?? Latest));
        command.Parameters.AddWithValue("after_id", query.After?.Id ?? long.MaxValue);
        command.Parameters.Add(new NpgsqlParameter<string[]>("kinds", query.Kind is { } kind ? [KindNames[kind]] : [.. KindNames.Values]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("results", query.Result is { } result ? [ResultNames[result]] : [.. ResultNames.Values]));
        command.Parameters.AddWithValue("limit", query.Limit + 1); // one more tells whether another page follows

        var records = ImmutableArray.CreateBuilder<VerificationRecord>(query.Limit + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                records.Add(new VerificationRecord(
                    reader.GetInt64(0),
                    institutionId,
                    reader.GetFieldValue<DateTimeOffset>(1),
                    Kinds[reader.GetString(2)],
                    reader.GetString(3),
                    Results[reader.GetString(4)],
                    reader.IsDBNull(5) ? null : reader.GetString(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.IsDBNull(7) ? null : Modes[reader.GetString(7)],
                    reader.IsDBNull(8) ? null : reader.GetString(8),
                    reader.IsDBNull(9) ? null : reader.GetString(9)));
            }
        }

        if (records.Count <= query.Limit)
        {
            return new RecordPage(records.ToImmutable(), null);
        }

        records.RemoveAt(records.Count - 1);
        var last = records[^1];
        return new RecordPage(records.ToImmutable(), new RecordCursor(last.OccurredAt, last.Id));
    }

    private static DateTimeOffset Clamp(DateTimeOffset time) =>
        time < Earliest ? Earliest : time > Latest ? Latest : time.ToUniversalTime();

    private static NpgsqlParameter<T[]> Column<T>(string name, IReadOnlyList<VerificationRecord> records, Func<VerificationRecord, T> value) =>
        new(name, [.. records.Select(value)]);

    /// <summary>The API's camelCase name of each value of an enum (<c>AlreadyUsed</c> → <c>alreadyUsed</c>).</summary>
    private static FrozenDictionary<T, string> NamesOf<T>()
        where T : struct, Enum =>
        Enum.GetValues<T>().ToFrozenDictionary(v => v, v => string.Concat(char.ToLowerInvariant(v.ToString()[0]).ToString(), v.ToString()[1..]));
}
