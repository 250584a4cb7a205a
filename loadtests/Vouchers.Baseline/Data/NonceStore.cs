using Npgsql;

namespace Vouchers.Baseline.Data;

/// <summary>
/// Each signed request's nonce once per key, the way a team without an actor runtime would: a unique insert into
/// PostgreSQL (<c>request_nonces</c>), whose rows a sweep deletes once their window is over.
/// </summary>
public sealed class NonceStore(NpgsqlDataSource db)
{
    /// <summary>True when the nonce is new for this key (and is now recorded until <paramref name="expiresAt"/>).</summary>
    public async Task<bool> TryAcceptAsync(string keyId, string nonce, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(
            "INSERT INTO request_nonces (key_id, nonce, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = keyId });
        command.Parameters.Add(new NpgsqlParameter { Value = nonce });
        command.Parameters.Add(new NpgsqlParameter { Value = expiresAt });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("DELETE FROM request_nonces WHERE expires_at < $1");
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>Deletes the nonces whose window is over, every 30 seconds.</summary>
public sealed class NonceSweeper(NonceStore nonces, TimeProvider time, ILogger<NonceSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await nonces.SweepAsync(time.GetUtcNow(), stoppingToken);
            }
            catch (NpgsqlException ex)
            {
                logger.LogWarning(ex, "Sweeping the expired nonces failed");
            }
        }
    }
}
