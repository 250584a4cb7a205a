-- 0003_orleans_persistence.sql
--
-- Grain state for Microsoft.Orleans.Persistence.AdoNet (AddAdoNetGrainStorage), invariant "Npgsql".
--
-- Contract (as read from the 10.4.2 provider):
--   * keys: WriteToStorageKey, ReadFromStorageKey, ClearStorageKey (required) and
--     DeleteStorageKey (needed only when a provider is configured with DeleteStateOnClear = true).
--   * parameters: @GrainIdHash (int), @GrainIdN0 and @GrainIdN1 (bigint halves of a Guid or
--     integer key, 0 for string keys), @GrainIdExtensionString (string key or key extension,
--     NULL when there is none), @GrainTypeHash (int), @GrainTypeString (the state's type name),
--     @ServiceId, @GrainStateVersion (int, the grain's ETag, NULL before the first write) and,
--     for writes, @PayloadBinary (bytea, the serialized state; the 10.4.2 provider sends no
--     JSON or XML payload parameters).
--   * read returns PayloadBinary and Version; a NULL payload means "no record" (after a clear).
--   * write returns NewGrainStateVersion; clear and delete return the new version in their first
--     column. Any answer that is NULL, empty, or equal to the ETag the grain sent is reported to
--     the grain as an InconsistentStateException, so a stale write must return NULL, never fail.
--
-- One row per (service, grain type, grain id). The unique index uses NULLS NOT DISTINCT
-- (PostgreSQL 15+) because grain_id_extension is NULL for plain Guid and integer keys; it is
-- what makes two racing first writes of the same grain end with exactly one winner. Keys are
-- expected to be short (the whole index entry must stay under PostgreSQL's ~2.7 kB limit).

CREATE TABLE IF NOT EXISTS orleans_grain_state
(
    service_id         varchar(150) NOT NULL,
    grain_type_hash    integer      NOT NULL,
    grain_type         varchar(512) NOT NULL,
    grain_id_hash      integer      NOT NULL,
    grain_id_n0        bigint       NOT NULL,
    grain_id_n1        bigint       NOT NULL,
    grain_id_extension varchar(512) NULL,
    payload            bytea        NULL,
    version            integer      NOT NULL,
    modified_at        timestamptz  NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX IF NOT EXISTS ux_orleans_grain_state_key
    ON orleans_grain_state (grain_id_hash, grain_type_hash, service_id, grain_id_n0, grain_id_n1, grain_type, grain_id_extension)
    NULLS NOT DISTINCT;

-- Writes a grain's state. With a NULL expected version the row must not exist yet and is created
-- at version 1; otherwise the row is updated only if it still carries the expected version.
-- Returns the new version, or NULL when the write lost (the provider raises
-- InconsistentStateException for it).
CREATE OR REPLACE FUNCTION orleans_write_grain_state(
    p_grain_id_hash      integer,
    p_grain_id_n0        bigint,
    p_grain_id_n1        bigint,
    p_grain_type_hash    integer,
    p_grain_type         varchar,
    p_grain_id_extension varchar,
    p_service_id         varchar,
    p_expected_version   integer,
    p_payload            bytea)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
    v_new_version integer;
BEGIN
    IF p_expected_version IS NULL THEN
        INSERT INTO orleans_grain_state
            (service_id, grain_type_hash, grain_type, grain_id_hash, grain_id_n0, grain_id_n1,
             grain_id_extension, payload, version, modified_at)
        VALUES
            (p_service_id, p_grain_type_hash, p_grain_type, p_grain_id_hash, p_grain_id_n0, p_grain_id_n1,
             p_grain_id_extension, p_payload, 1, now())
        ON CONFLICT DO NOTHING
        RETURNING version INTO v_new_version;
    ELSE
        UPDATE orleans_grain_state AS s
        SET payload     = p_payload,
            version     = s.version + 1,
            modified_at = now()
        WHERE s.grain_id_hash = p_grain_id_hash
          AND s.grain_type_hash = p_grain_type_hash
          AND s.service_id = p_service_id
          AND s.grain_id_n0 = p_grain_id_n0
          AND s.grain_id_n1 = p_grain_id_n1
          AND s.grain_type = p_grain_type
          AND s.grain_id_extension IS NOT DISTINCT FROM p_grain_id_extension
          AND s.version = p_expected_version
        RETURNING s.version INTO v_new_version;
    END IF;

    RETURN v_new_version;
END
$fn$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
(
    'WriteToStorageKey',
    $q$
    SELECT orleans_write_grain_state(
        @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
        @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary) AS "NewGrainStateVersion";
    $q$
),
(
    'ReadFromStorageKey',
    $q$
    SELECT
        s.payload AS "PayloadBinary",
        s.version AS "Version"
    FROM orleans_grain_state AS s
    WHERE s.grain_id_hash = @GrainIdHash
      AND s.grain_type_hash = @GrainTypeHash
      AND s.service_id = @ServiceId
      AND s.grain_id_n0 = @GrainIdN0
      AND s.grain_id_n1 = @GrainIdN1
      AND s.grain_type = @GrainTypeString
      AND s.grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString;
    $q$
),
(
    -- Keeps the row (and its version history) but drops the payload.
    'ClearStorageKey',
    $q$
    UPDATE orleans_grain_state AS s
    SET payload     = NULL,
        version     = s.version + 1,
        modified_at = now()
    WHERE s.grain_id_hash = @GrainIdHash
      AND s.grain_type_hash = @GrainTypeHash
      AND s.service_id = @ServiceId
      AND s.grain_id_n0 = @GrainIdN0
      AND s.grain_id_n1 = @GrainIdN1
      AND s.grain_type = @GrainTypeString
      AND s.grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
      AND s.version = @GrainStateVersion
    RETURNING s.version AS "NewGrainStateVersion";
    $q$
),
(
    -- Used instead of ClearStorageKey when DeleteStateOnClear = true. The grain's ETag becomes
    -- NULL afterwards; the returned value only has to differ from the ETag that was sent.
    'DeleteStorageKey',
    $q$
    DELETE FROM orleans_grain_state AS s
    WHERE s.grain_id_hash = @GrainIdHash
      AND s.grain_type_hash = @GrainTypeHash
      AND s.service_id = @ServiceId
      AND s.grain_id_n0 = @GrainIdN0
      AND s.grain_id_n1 = @GrainIdN1
      AND s.grain_type = @GrainTypeString
      AND s.grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
      AND s.version = @GrainStateVersion
    RETURNING s.version + 1 AS "NewGrainStateVersion";
    $q$
)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
