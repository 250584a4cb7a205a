-- 0009_vouchers_events.sql
--
-- The outbox of the event pipeline (IEventStore, PostgresEventStore), and what a claim is counted under.
--
-- Contract:
--   * one row per state change, never updated or deleted by the engine. event_id is stable for a change
--     (e.g. 'claimed/<code>'), so writing a change's events twice stores them once (ON CONFLICT DO NOTHING).
--   * rows are written in the transaction of their change: a claim's by the claim store's group INSERT and a
--     return's by the statement that marks the claim returned; a grain's with its state (the grain keeps the
--     events in its state and appends them here before it answers, and again when it wakes with some left).
--   * tx is the writing transaction's id. A reader reads in (tx, seq) order and only rows whose tx is older than
--     every transaction still running (pg_snapshot_xmin), so no row can later appear behind its cursor.
--   * the claimant's profile (division code, age on the claim day, gender, target group) is derived once at the
--     claim from the ID number and the attestation; never the ID number nor the name.
--   * vouchers_claims gains the same profile, so a return's event is written from the claim's row; claims stored
--     before this migration have none (NULL), and their events count them under "unknown".

CREATE TABLE IF NOT EXISTS vouchers_events
(
    seq            bigint GENERATED ALWAYS AS IDENTITY,
    tx             xid8          NOT NULL DEFAULT pg_current_xact_id(),
    event_id       text          NOT NULL,
    kind           text          NOT NULL,
    occurred_at    timestamptz   NOT NULL,
    batch_id       text          NOT NULL,
    actor          text          NOT NULL,
    actor_id       text          NOT NULL,
    code           text          NULL,
    person_key     text          NULL,
    region_code    text          NULL,
    age            integer       NULL,
    gender         text          NULL,
    target_group   text          NULL,
    channel_id     text          NULL,
    institution_id text          NULL,
    amount         numeric(12,2) NOT NULL DEFAULT 0,
    use_mode       text          NULL,
    application_id text          NULL,
    batch_facts    jsonb         NULL,

    CONSTRAINT pk_vouchers_events PRIMARY KEY (seq),
    CONSTRAINT ux_vouchers_events_event_id UNIQUE (event_id)
);

-- The pump's read: the next rows in commit order.
CREATE INDEX IF NOT EXISTS ix_vouchers_events_order ON vouchers_events (tx, seq);

-- Rebuilding one batch's statistics, and the ground-truth checks.
CREATE INDEX IF NOT EXISTS ix_vouchers_events_batch ON vouchers_events (batch_id, tx, seq);

ALTER TABLE vouchers_claims ADD COLUMN IF NOT EXISTS region_code  text    NULL;
ALTER TABLE vouchers_claims ADD COLUMN IF NOT EXISTS age          integer NULL;
ALTER TABLE vouchers_claims ADD COLUMN IF NOT EXISTS gender       text    NULL;
ALTER TABLE vouchers_claims ADD COLUMN IF NOT EXISTS target_group text    NULL;
