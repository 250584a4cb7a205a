-- 0005_vouchers_claims.sql
--
-- Claims of vouchers, appended by the silo's group-commit writer (PostgresClaimStore, IClaimStore).
--
-- Contract:
--   * one row per acknowledged claim, written once by a multi-row
--     INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING RETURNING code; the claim is
--     acknowledged only after that statement has committed. A row that is not returned conflicted
--     with an existing one: with the primary key (the code is taken) or with the live-claim key.
--   * the only later change is returning a claim: UPDATE ... SET returned_at WHERE code = ... AND
--     returned_at IS NULL. Rows are never deleted, so a code is never handed out twice.
--   * ux_vouchers_claims_live is the durable "one live claim per person per batch" invariant: it is
--     partial (WHERE returned_at IS NULL), so a returned claim no longer blocks a new one.
--   * timestamps are stored as timestamptz (microseconds); amounts as numeric(12,2).

CREATE TABLE IF NOT EXISTS vouchers_claims
(
    code                     text          NOT NULL,
    batch_id                 text          NOT NULL,
    shard                    integer       NOT NULL,
    person_key               text          NOT NULL,
    channel_id               text          NOT NULL,
    request_id               text          NOT NULL,
    program_id               text          NOT NULL,
    holder_name              text          NOT NULL,
    holder_id_number         text          NOT NULL,
    subsidy_amount           numeric(12,2) NOT NULL,
    claimed_at               timestamptz   NOT NULL,
    expires_at               timestamptz   NOT NULL,
    eligible_institution_ids text[]        NOT NULL,
    returned_at              timestamptz   NULL,

    CONSTRAINT pk_vouchers_claims PRIMARY KEY (code),
    CONSTRAINT ck_vouchers_claims_code CHECK (code <> ''),
    CONSTRAINT ck_vouchers_claims_batch_id CHECK (batch_id <> ''),
    CONSTRAINT ck_vouchers_claims_person_key CHECK (person_key <> ''),
    CONSTRAINT ck_vouchers_claims_shard CHECK (shard >= 0),
    CONSTRAINT ck_vouchers_claims_subsidy_amount CHECK (subsidy_amount >= 0),
    CONSTRAINT ck_vouchers_claims_institutions CHECK (array_position(eligible_institution_ids, NULL) IS NULL)
);

CREATE UNIQUE INDEX IF NOT EXISTS ux_vouchers_claims_live
    ON vouchers_claims (batch_id, person_key)
    WHERE returned_at IS NULL;

-- A stock shard loads its claims when it activates.
CREATE INDEX IF NOT EXISTS ix_vouchers_claims_batch_shard
    ON vouchers_claims (batch_id, shard);

-- A person's wallet: every claim of the person across batches.
CREATE INDEX IF NOT EXISTS ix_vouchers_claims_person
    ON vouchers_claims (person_key);
