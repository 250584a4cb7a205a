-- 0010_vouchers_claims_expiry.sql
--
-- The expiry sweep (EventPumpGrain, IClaimStore.ListExpiringAsync) walks the claims in expiry order: by expiry
-- instant, then by code in the "C" collation (ordinal, whatever the database's default collation is), after the
-- position it reached last. This index makes each step of the walk a range scan.

CREATE INDEX IF NOT EXISTS ix_vouchers_claims_expiry ON vouchers_claims (expires_at, (code COLLATE "C"));
