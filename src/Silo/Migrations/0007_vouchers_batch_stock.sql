-- 0007_vouchers_batch_stock.sql
--
-- The durable backstop of "never more claims than the quantity" (PostgresClaimStore, IClaimStore.SetQuantityAsync).
--
-- Contract:
--   * one row per batch, written by the batch grain whenever its quantity is set (create, update, added stock,
--     and on activation for batches older than this table): quantity = the batch's quantity, live = its
--     unreturned claims, counted from vouchers_claims when the row is first written.
--   * the group INSERT into vouchers_claims locks the rows of its batches (FOR UPDATE), inserts at most
--     quantity - live claims per batch and adds what it inserted to live, in the same statement; a return
--     subtracts one in the same statement that marks the claim returned. So live always equals the batch's
--     unreturned rows, and ck_vouchers_batch_stock_live keeps it within the quantity.
--   * a batch without a row is not guarded (the grains' leases alone keep its quantity).

CREATE TABLE IF NOT EXISTS vouchers_batch_stock
(
    batch_id text    NOT NULL,
    quantity integer NOT NULL,
    live     integer NOT NULL,

    CONSTRAINT pk_vouchers_batch_stock PRIMARY KEY (batch_id),
    CONSTRAINT ck_vouchers_batch_stock_live CHECK (live >= 0 AND live <= quantity)
);
