using System.Collections.Immutable;
using System.Data.Common;
using Npgsql;
using Vouchers.Contracts;
using Vouchers.Grains.Events;

namespace Vouchers.Silo.Persistence.Events;

/// <summary><see cref="IEventStore"/> on the <c>vouchers_events</c> table (migration 0009).</summary>
public sealed class PostgresEventStore(NpgsqlDataSource dataSource, ILogger<PostgresEventStore> logger) : IEventStore
{
    private const string Append = $"""
        INSERT INTO vouchers_events ({EventRows.Columns})
        SELECT e.* FROM {EventRows.Unnest}
        ON CONFLICT (event_id) DO NOTHING
        """;

    // Rows of transactions older than every running one only: a transaction still running may hold a smaller tx
    // than rows already visible, and its rows must not appear behind the cursor once it commits.
    private const string Read = $"""
        SELECT tx::text::bigint, seq, {EventRows.Columns}
        FROM vouchers_events
        WHERE (tx, seq) > (@tx::text::xid8, @seq) AND tx < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY tx, seq
        LIMIT @max
        """;

    private const string Stored = "SELECT event_id FROM vouchers_events WHERE event_id = ANY(@ids)";

    public async Task AppendAsync(IReadOnlyList<VoucherEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        try
        {
            await using var command = dataSource.CreateCommand(Append);
            EventRows.AddParameters(command, events);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException exception)
        {
            throw StorageFaults.Translate(logger, exception, exception, nameof(AppendAsync));
        }
    }

    public async Task<IReadOnlySet<string>> FindStoredAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var stored = new HashSet<string>(StringComparer.Ordinal);
        if (ids.Count == 0)
        {
            return stored;
        }

        try
        {
            await using var command = dataSource.CreateCommand(Stored);
            command.Parameters.AddWithValue("ids", ids.ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                stored.Add(reader.GetString(0));
            }

            return stored;
        }
        catch (DbException exception)
        {
            throw StorageFaults.Translate(logger, exception, exception, nameof(FindStoredAsync));
        }
    }

    public async Task<ImmutableArray<PositionedEvent>> ReadAsync(EventCursor after, int max, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand(Read);
            command.Parameters.AddWithValue("tx", EventRows.TransactionText(after));
            command.Parameters.AddWithValue("seq", after.Sequence);
            command.Parameters.AddWithValue("max", max);
            return await EventRows.ReadAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException exception)
        {
            throw StorageFaults.Translate(logger, exception, exception, nameof(ReadAsync));
        }
    }
}
