using Npgsql;
using Vouchers.Grains.Claims;
using Vouchers.Silo.Persistence.Events;

namespace Vouchers.Silo.Persistence.Claims;

/// <summary>
/// The claim store's statements other than appends, one round trip each on a pooled connection. Database faults
/// reach the caller untranslated. A return's event is written with it unless <paramref name="writeEvents"/> is false
/// (<c>Events:Enabled</c> off).
/// </summary>
internal sealed class ClaimQueries(NpgsqlDataSource dataSource, bool writeEvents)
{
    public async Task<StoredClaim?> GetAsync(string code, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ClaimStatements.Get);
        command.Parameters.AddWithValue("code", code);
        var claims = await ClaimRows.ReadClaimsAsync(command, cancellationToken).ConfigureAwait(false);
        return claims.Count == 0 ? null : claims[0];
    }

    public async Task<StoredClaim?> FindLiveAsync(string batchId, string personKey, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ClaimStatements.FindLive);
        command.Parameters.AddWithValue("batch_id", batchId);
        command.Parameters.AddWithValue("person_key", personKey);
        var claims = await ClaimRows.ReadClaimsAsync(command, cancellationToken).ConfigureAwait(false);
        return claims.Count == 0 ? null : claims[0];
    }

    public async Task<IReadOnlyList<StoredClaim>> ListByPersonAsync(string personKey, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ClaimStatements.ListByPerson);
        command.Parameters.AddWithValue("person_key", personKey);
        return await ClaimRows.ReadClaimsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ShardClaim>> LoadShardAsync(string batchId, int shard, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ClaimStatements.LoadShard);
        command.Parameters.AddWithValue("batch_id", batchId);
        command.Parameters.AddWithValue("shard", shard);
        return await ClaimRows.ReadShardClaimsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> MarkReturnedAsync(string code, DateTimeOffset at, string returnedBy, CancellationToken cancellationToken)
    {
        // The row is read first for its event: nothing of it but returned_at ever changes.
        if (await GetAsync(code, cancellationToken).ConfigureAwait(false) is not { ReturnedAt: null } claim)
        {
            return false;
        }

        await using var command = dataSource.CreateCommand(ClaimStatements.MarkReturned);
        command.Parameters.AddWithValue("code", code);
        command.Parameters.AddWithValue("at", at.ToUniversalTime());
        EventRows.AddParameters(command, writeEvents ? [ClaimEvents.Returned(claim, at, returnedBy)] : []);
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 1;
    }

    public async Task<bool> SetQuantityAsync(string batchId, int quantity, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ClaimStatements.SetQuantity);
        command.Parameters.AddWithValue("batch_id", batchId);
        command.Parameters.AddWithValue("quantity", quantity);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.CheckViolation)
        {
            return false; // more live claims than the quantity
        }
    }

    public async Task<IReadOnlyList<StoredClaim>> ListExpiringAsync(ExpiryPosition after, DateTimeOffset through, int max, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ClaimStatements.ListExpiring);
        // No claim expires before 1970: the walk's start is sent as the epoch rather than as -infinity.
        command.Parameters.AddWithValue("after_at", (after.ExpiresAt < DateTimeOffset.UnixEpoch ? DateTimeOffset.UnixEpoch : after.ExpiresAt).ToUniversalTime());
        command.Parameters.AddWithValue("after_code", after.Code ?? "");
        command.Parameters.AddWithValue("through", through.ToUniversalTime());
        command.Parameters.AddWithValue("max", max);
        return await ClaimRows.ReadClaimsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ClaimCounts> CountAsync(string batchId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ClaimStatements.Count);
        command.Parameters.AddWithValue("batch_id", batchId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new ClaimCounts(reader.GetInt32(0), reader.GetInt32(1));
    }
}
