using Vouchers.Silo.Persistence.Events;

namespace Vouchers.Silo.Persistence.Claims;

/// <summary>
/// The SQL of the claim store on <c>vouchers_claims</c> (migration 0005), <c>vouchers_batch_stock</c> (0007) and the
/// claims' events in <c>vouchers_events</c> (0009).
/// </summary>
internal static class ClaimStatements
{
    private const string Columns = """
        code, batch_id, shard, person_key, channel_id, request_id, program_id, holder_name, holder_id_number,
        subsidy_amount, claimed_at, expires_at, eligible_institution_ids, returned_at, region_code, age, gender, target_group
        """;

    // unnest cannot yield one array per row, so the institution ids of the group travel as one flat array and each
    // row takes its slice (first > last gives the empty array). An appended claim is live: returned_at stays NULL.
    // The stock rows of the group's batches are locked, at most quantity - live rows of each batch are inserted (in
    // the group's order) and live grows by what was inserted, all in this one statement (0007). Each returned row
    // says whether it was inserted (true) or cut because its batch had no stock left (false); a row not returned
    // conflicted with an existing claim. The Claimed event of each inserted row is written by the same statement
    // (the group's events travel as the e_ arrays, see EventRows), so an acknowledged claim always has its event.
    public const string InsertGroup = $"""
        WITH c AS (
            SELECT c.*, row_number() OVER (PARTITION BY c.batch_id ORDER BY c.ord) AS nth
            FROM unnest(@codes::text[], @batch_ids::text[], @shards::int[], @person_keys::text[], @channel_ids::text[],
                        @request_ids::text[], @program_ids::text[], @holder_names::text[], @holder_id_numbers::text[],
                        @subsidy_amounts::numeric[], @claimed_at::timestamptz[], @expires_at::timestamptz[],
                        @first_institutions::int[], @last_institutions::int[], @region_codes::text[], @ages::int[],
                        @genders::text[], @target_groups::text[]) WITH ORDINALITY
                 AS c(code, batch_id, shard, person_key, channel_id, request_id, program_id, holder_name,
                      holder_id_number, subsidy_amount, claimed_at, expires_at, first_institution, last_institution,
                      region_code, age, gender, target_group, ord)
        ), stock AS (
            SELECT s.batch_id, s.quantity - s.live AS room
            FROM vouchers_batch_stock s
            WHERE s.batch_id = ANY(@batch_ids::text[])
            ORDER BY s.batch_id
            FOR UPDATE
        ), inserted AS (
            INSERT INTO vouchers_claims (code, batch_id, shard, person_key, channel_id, request_id, program_id, holder_name,
                                         holder_id_number, subsidy_amount, claimed_at, expires_at, eligible_institution_ids,
                                         region_code, age, gender, target_group)
            SELECT c.code, c.batch_id, c.shard, c.person_key, c.channel_id, c.request_id, c.program_id, c.holder_name,
                   c.holder_id_number, c.subsidy_amount, c.claimed_at, c.expires_at,
                   (@institution_ids::text[])[c.first_institution:c.last_institution],
                   c.region_code, c.age, c.gender, c.target_group
            FROM c LEFT JOIN stock ON stock.batch_id = c.batch_id
            WHERE stock.room IS NULL OR c.nth <= stock.room
            ORDER BY c.ord
            ON CONFLICT DO NOTHING
            RETURNING code, batch_id
        ), counted AS (
            UPDATE vouchers_batch_stock s SET live = s.live + n.inserted
            FROM (SELECT batch_id, count(*)::int AS inserted FROM inserted GROUP BY batch_id) n
            WHERE s.batch_id = n.batch_id
        ), events AS (
            INSERT INTO vouchers_events ({EventRows.Columns})
            SELECT e.* FROM {EventRows.Unnest} JOIN inserted ON inserted.code = e.code
            ON CONFLICT (event_id) DO NOTHING
        )
        SELECT code, true FROM inserted
        UNION ALL
        SELECT c.code, false FROM c JOIN stock ON stock.batch_id = c.batch_id WHERE c.nth > stock.room
        """;

    public const string ExistingCodes = "SELECT code FROM vouchers_claims WHERE code = ANY(@codes)";
    public const string Get = $"SELECT {Columns} FROM vouchers_claims WHERE code = @code";
    public const string FindLive = $"SELECT {Columns} FROM vouchers_claims WHERE batch_id = @batch_id AND person_key = @person_key AND returned_at IS NULL";
    public const string ListByPerson = $"SELECT {Columns} FROM vouchers_claims WHERE person_key = @person_key ORDER BY claimed_at DESC, code DESC";
    public const string LoadShard = """
        SELECT code, person_key, channel_id, request_id, program_id, holder_name, subsidy_amount, claimed_at, expires_at,
               returned_at IS NOT NULL
        FROM vouchers_claims WHERE batch_id = @batch_id AND shard = @shard ORDER BY claimed_at, code
        """;
    // The Returned event (built from the claim's row, read before) is written only when the claim was live.
    public const string MarkReturned = $"""
        WITH returned AS (
            UPDATE vouchers_claims SET returned_at = @at WHERE code = @code AND returned_at IS NULL RETURNING batch_id
        ), counted AS (
            UPDATE vouchers_batch_stock s SET live = s.live - 1 FROM returned WHERE s.batch_id = returned.batch_id
        ), events AS (
            INSERT INTO vouchers_events ({EventRows.Columns})
            SELECT e.* FROM {EventRows.Unnest} WHERE EXISTS (SELECT 1 FROM returned)
            ON CONFLICT (event_id) DO NOTHING
        )
        SELECT count(*)::int FROM returned
        """;
    // The first registration counts the batch's live claims; later ones change the quantity only. A quantity below
    // the live claims violates ck_vouchers_batch_stock_live.
    public const string SetQuantity = """
        INSERT INTO vouchers_batch_stock (batch_id, quantity, live)
        VALUES (@batch_id, @quantity, (SELECT count(*) FROM vouchers_claims WHERE batch_id = @batch_id AND returned_at IS NULL))
        ON CONFLICT (batch_id) DO UPDATE SET quantity = excluded.quantity
        """;
    // A step of the expiry walk (0010): the order and the comparison use the "C" collation, as the index does.
    public const string ListExpiring = $"""
        SELECT {Columns} FROM vouchers_claims
        WHERE (expires_at, code COLLATE "C") > (@after_at, @after_code COLLATE "C") AND expires_at <= @through
        ORDER BY expires_at, code COLLATE "C"
        LIMIT @max
        """;
    public const string Count = "SELECT count(*)::int, count(returned_at)::int FROM vouchers_claims WHERE batch_id = @batch_id";
}
