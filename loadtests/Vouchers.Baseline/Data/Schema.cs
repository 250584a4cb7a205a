using Npgsql;

namespace Vouchers.Baseline.Data;

/// <summary>The baseline's tables (batches, claims, the signed requests' nonces), created at start if missing. Stock and "one claim per person" are the database's job.</summary>
public static class Schema
{
    private const string Ddl = """
        CREATE TABLE IF NOT EXISTS batches (
            id          text PRIMARY KEY,
            region_code text NOT NULL,
            definition  jsonb NOT NULL,
            status      text NOT NULL,
            quantity    integer NOT NULL,
            remaining   integer NOT NULL CHECK (remaining >= 0),
            created_at  timestamptz NOT NULL,
            updated_at  timestamptz NOT NULL
        );
        CREATE TABLE IF NOT EXISTS claims (
            code                     text PRIMARY KEY,
            batch_id                 text NOT NULL REFERENCES batches (id),
            person_key               text NOT NULL,
            channel_id               text NOT NULL,
            request_id               text NOT NULL,
            program_id               text NOT NULL,
            holder_name              text NOT NULL,
            holder_id_number         text NOT NULL,
            subsidy_amount           numeric NOT NULL,
            claimed_at               timestamptz NOT NULL,
            expires_at               timestamptz NOT NULL,
            eligible_institution_ids text[] NOT NULL,
            status                   text NOT NULL DEFAULT 'claimed',
            institution_id           text,
            used_at                  timestamptz,
            UNIQUE (batch_id, person_key),
            UNIQUE (channel_id, request_id)
        );
        CREATE INDEX IF NOT EXISTS claims_person_key ON claims (person_key);
        CREATE TABLE IF NOT EXISTS request_nonces (
            key_id     text NOT NULL,
            nonce      text NOT NULL,
            expires_at timestamptz NOT NULL,
            PRIMARY KEY (key_id, nonce)
        );
        """;

    public static async Task CreateAsync(NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(Ddl);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
