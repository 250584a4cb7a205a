-- 0004_orleans_reminders.sql
--
-- Reminder table for Microsoft.Orleans.Reminders.AdoNet (UseAdoNetReminderService), invariant "Npgsql".
--
-- Contract (as read from the 10.4.2 provider):
--   * keys: ReadReminderRowsKey, ReadReminderRowKey, ReadRangeRows1Key, ReadRangeRows2Key,
--     UpsertReminderRowKey, DeleteReminderRowKey, DeleteReminderRowsKey (all required).
--   * parameters: @ServiceId, @GrainId (text form of the GrainId), @ReminderName, @StartTime (UTC),
--     @Period (milliseconds; sent as int, or as bigint when it does not fit an int),
--     @GrainHash, @BeginHash, @EndHash (uint hashes passed as signed int), @Version (int ETag).
--   * reads return GrainId, ReminderName, StartTime, Period (read as bigint) and Version.
--   * upsert returns the row's new Version (the reminder's ETag); delete returns one column,
--     non-zero when the row with that ETag was deleted.
--   * ring ranges: the provider uses ReadRangeRows1Key for (begin, end] when begin < end in
--     signed order, and ReadRangeRows2Key for the wrapped range (begin, max] + [min, end].

CREATE TABLE IF NOT EXISTS orleans_reminder
(
    service_id    varchar(150) NOT NULL,
    grain_id      varchar(512) NOT NULL,
    reminder_name varchar(150) NOT NULL,
    start_time    timestamptz  NOT NULL,
    period_ms     bigint       NOT NULL,
    grain_hash    integer      NOT NULL,
    version       integer      NOT NULL,

    CONSTRAINT pk_orleans_reminder PRIMARY KEY (service_id, grain_id, reminder_name)
);

-- Range reads run on every silo start and on every ring change.
CREATE INDEX IF NOT EXISTS ix_orleans_reminder_service_hash
    ON orleans_reminder (service_id, grain_hash);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
(
    'UpsertReminderRowKey',
    $q$
    INSERT INTO orleans_reminder AS r
        (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
    VALUES
        (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
    ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
    SET start_time = EXCLUDED.start_time,
        period_ms  = EXCLUDED.period_ms,
        grain_hash = EXCLUDED.grain_hash,
        version    = r.version + 1
    RETURNING r.version AS "Version";
    $q$
),
(
    'ReadReminderRowsKey',
    $q$
    SELECT r.grain_id AS "GrainId", r.reminder_name AS "ReminderName", r.start_time AS "StartTime",
           r.period_ms AS "Period", r.version AS "Version"
    FROM orleans_reminder AS r
    WHERE r.service_id = @ServiceId
      AND r.grain_id = @GrainId;
    $q$
),
(
    'ReadReminderRowKey',
    $q$
    SELECT r.grain_id AS "GrainId", r.reminder_name AS "ReminderName", r.start_time AS "StartTime",
           r.period_ms AS "Period", r.version AS "Version"
    FROM orleans_reminder AS r
    WHERE r.service_id = @ServiceId
      AND r.grain_id = @GrainId
      AND r.reminder_name = @ReminderName;
    $q$
),
(
    'ReadRangeRows1Key',
    $q$
    SELECT r.grain_id AS "GrainId", r.reminder_name AS "ReminderName", r.start_time AS "StartTime",
           r.period_ms AS "Period", r.version AS "Version"
    FROM orleans_reminder AS r
    WHERE r.service_id = @ServiceId
      AND r.grain_hash > @BeginHash
      AND r.grain_hash <= @EndHash;
    $q$
),
(
    'ReadRangeRows2Key',
    $q$
    SELECT r.grain_id AS "GrainId", r.reminder_name AS "ReminderName", r.start_time AS "StartTime",
           r.period_ms AS "Period", r.version AS "Version"
    FROM orleans_reminder AS r
    WHERE r.service_id = @ServiceId
      AND (r.grain_hash > @BeginHash OR r.grain_hash <= @EndHash);
    $q$
),
(
    'DeleteReminderRowKey',
    $q$
    WITH deleted AS (
        DELETE FROM orleans_reminder AS r
        WHERE r.service_id = @ServiceId
          AND r.grain_id = @GrainId
          AND r.reminder_name = @ReminderName
          AND r.version = @Version
        RETURNING 1
    )
    SELECT count(*)::integer AS "Deleted" FROM deleted;
    $q$
),
(
    'DeleteReminderRowsKey',
    $q$
    DELETE FROM orleans_reminder
    WHERE service_id = @ServiceId;
    $q$
)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
