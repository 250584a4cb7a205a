-- 0008_audit_records.sql
--
-- The audit trail: every change of state an admin or an institution made and was answered as done
-- (PostgresAuditStore, IAuditStore), read a page at a time, newest first, by admins of the region.
--
-- Contract:
--   * append-only: one INSERT per record, committed before the change is answered; never updated or deleted by
--     the engine. Retention is an operator's decision (see docs/OPERATIONS.md).
--   * region_code is the region of what changed ('' for national things); an admin reads the rows whose
--     region_code starts with its own prefix.
--   * before_state and after_state are small JSON objects of essentials (statuses, quantities, counts, expiries),
--     never an ID number or a person's name; kept as text, byte for byte as written.
--   * id orders rows of the same instant; pages are keyset pages on (occurred_at, id), newest first.

CREATE TABLE IF NOT EXISTS vouchers_audit_records
(
    id             bigserial   NOT NULL,
    occurred_at    timestamptz NOT NULL,
    actor_key_id   text        NOT NULL,
    action         text        NOT NULL,
    target_id      text        NOT NULL,
    region_code    text        NOT NULL,
    before_state   text        NULL,
    after_state    text        NOT NULL,
    client_address text        NULL,

    CONSTRAINT pk_vouchers_audit_records PRIMARY KEY (id),
    CONSTRAINT ck_vouchers_audit_records_actor CHECK (actor_key_id <> ''),
    CONSTRAINT ck_vouchers_audit_records_action CHECK (action ~ '^[a-z]+\.[a-z]+$'),
    CONSTRAINT ck_vouchers_audit_records_target CHECK (target_id <> ''),
    CONSTRAINT ck_vouchers_audit_records_region CHECK (region_code ~ '^([0-9]{2}){0,3}$')
);

CREATE INDEX IF NOT EXISTS ix_audit_records_time
    ON vouchers_audit_records (occurred_at DESC, id DESC);

CREATE INDEX IF NOT EXISTS ix_audit_records_target
    ON vouchers_audit_records (target_id, occurred_at DESC, id DESC);

CREATE INDEX IF NOT EXISTS ix_audit_records_actor
    ON vouchers_audit_records (actor_key_id, occurred_at DESC, id DESC);
