-- 0006_verification_records.sql
--
-- The training institutions' verification records (验券记录), appended by the silo's record writer
-- (PostgresVerificationRecordStore, IVerificationRecordStore) and read a page at a time, newest first.
--
-- Contract:
--   * append-only: rows are written by a multi-row INSERT ... SELECT FROM unnest(...) (one per group of
--     records) and never updated. Retention is an operator's decision (see docs/OPERATIONS.md).
--   * a row holds only what the institution is shown: the code masked (ABCD…WXYZ), never the full code and
--     nothing about the holder.
--   * kind, result and mode are the API's camelCase names (verify|use; valid, alreadyUsed, ...; offline|online).
--   * id orders rows of the same instant; pages are keyset pages on (occurred_at, id), newest first, served by
--     ix_verification_records_institution.

CREATE TABLE IF NOT EXISTS vouchers_verification_records
(
    id             bigserial   NOT NULL,
    institution_id text        NOT NULL,
    occurred_at    timestamptz NOT NULL,
    kind           text        NOT NULL,
    masked_code    text        NOT NULL,
    result         text        NOT NULL,
    clerk_key_id   text        NULL,
    device_id      text        NULL,
    mode           text        NULL,
    course_id      text        NULL,
    class_id       text        NULL,

    CONSTRAINT pk_vouchers_verification_records PRIMARY KEY (id),
    CONSTRAINT ck_vouchers_verification_records_institution CHECK (institution_id <> ''),
    CONSTRAINT ck_vouchers_verification_records_kind CHECK (kind IN ('verify', 'use')),
    CONSTRAINT ck_vouchers_verification_records_mode CHECK (mode IS NULL OR mode IN ('offline', 'online')),
    CONSTRAINT ck_vouchers_verification_records_device CHECK (device_id IS NULL OR length(device_id) <= 64)
);

CREATE INDEX IF NOT EXISTS ix_verification_records_institution
    ON vouchers_verification_records (institution_id, occurred_at DESC, id DESC);
