using System.Collections.Concurrent;
using System.Text.Json;
using Npgsql;
using Vouchers.Contracts;

namespace Vouchers.Baseline.Data;

/// <summary>
/// Batches as rows: the definition as jsonb, the stock as a <c>remaining</c> column that claims decrement. The baseline
/// never uses, returns or redeems vouchers, so those counters stay 0.
/// </summary>
public sealed class BatchStore(NpgsqlDataSource db)
{
    // Parsing the jsonb definition on every claim would cost more than the lookup; reuse it while the text is unchanged.
    private readonly ConcurrentDictionary<string, (string Json, BatchDefinition Definition)> definitions = new(StringComparer.Ordinal);

    public async Task<BatchSnapshot> CreateAsync(string id, BatchDefinition definition, DateTimeOffset now)
    {
        await using var command = db.CreateCommand(
            "INSERT INTO batches (id, region_code, definition, status, quantity, remaining, created_at, updated_at) " +
            "VALUES ($1, $2, $3::jsonb, 'draft', $4, $4, $5, $5)");
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = definition.RegionCode });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(definition, Json.Storage) });
        command.Parameters.Add(new() { Value = definition.Quantity });
        command.Parameters.Add(new() { Value = now });
        await command.ExecuteNonQueryAsync();
        return (await GetAsync(id, now))!;
    }

    public async Task<BatchSnapshot?> GetAsync(string id, DateTimeOffset now)
    {
        await using var command = db.CreateCommand(
            "SELECT b.definition::text, b.status, b.remaining, b.created_at, b.updated_at, " +
            "(SELECT count(*) FROM claims c WHERE c.batch_id = b.id AND c.status = 'claimed' AND c.expires_at <= $2) " +
            "FROM batches b WHERE b.id = $1");
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = now });
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        var d = Definition(id, reader.GetString(0));
        var claimed = d.Quantity - reader.GetInt32(2);
        var expired = (int)reader.GetInt64(5);
        var counters = new BatchCounters(
            Quantity: d.Quantity,
            Claimed: claimed,
            Used: 0,
            Redeemed: 0,
            Returned: 0,
            Expired: expired,
            Remaining: reader.GetInt32(2),
            FundsCommitted: (claimed - expired) * d.SubsidyAmount,
            FundsDisbursed: 0m);
        return new BatchSnapshot(id, d, ParseStatus(reader.GetString(1)), counters,
            reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4));
    }

    /// <summary>Draft or paused → active; already active is fine; a closed batch stays closed.</summary>
    public async Task<(BatchCommandStatus Status, string? Detail)> ActivateAsync(string id, DateTimeOffset now)
    {
        await using var command = db.CreateCommand(
            "UPDATE batches SET status = 'active', updated_at = $2 WHERE id = $1 AND status IN ('draft', 'paused') RETURNING status");
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = now });
        if (await command.ExecuteScalarAsync() is not null)
        {
            return (BatchCommandStatus.Done, null);
        }

        await using var current = db.CreateCommand("SELECT status FROM batches WHERE id = $1");
        current.Parameters.Add(new() { Value = id });
        return await current.ExecuteScalarAsync() switch
        {
            null => (BatchCommandStatus.NotFound, null),
            "active" => (BatchCommandStatus.Done, null),
            var status => (BatchCommandStatus.InvalidTransition, $"A {status} batch cannot become active."),
        };
    }

    public BatchDefinition Definition(string id, string json)
    {
        if (definitions.TryGetValue(id, out var cached) && cached.Json == json)
        {
            return cached.Definition;
        }

        var definition = JsonSerializer.Deserialize<BatchDefinition>(json, Json.Storage)
            ?? throw new InvalidOperationException($"Batch {id} has no definition.");
        definitions[id] = (json, definition);
        return definition;
    }

    public static BatchStatus ParseStatus(string status) => Enum.Parse<BatchStatus>(status, ignoreCase: true);
}
