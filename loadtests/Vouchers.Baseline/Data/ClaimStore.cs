using System.Collections.Immutable;
using Npgsql;
using Vouchers.Claims;
using Vouchers.Contracts;
using Vouchers.Domain;

namespace Vouchers.Baseline.Data;

/// <summary>
/// Claims the way a team without an actor runtime would: PostgreSQL serializes them. One transaction per claim
/// decrements the batch's <c>remaining</c> (only while active and above zero) and inserts the claim; the
/// <c>UNIQUE (batch_id, person_key)</c> and <c>UNIQUE (channel_id, request_id)</c> constraints settle races
/// between concurrent claims of one person or retries of one request.
/// </summary>
public sealed class ClaimStore(NpgsqlDataSource db, BatchStore batches)
{
    private const string Columns =
        "code, batch_id, program_id, status, holder_name, holder_id_number, subsidy_amount, claimed_at, expires_at, " +
        "channel_id, institution_id, used_at, eligible_institution_ids, request_id, person_key";

    private const string ExistingSql =
        "SELECT " + Columns + " FROM claims WHERE (channel_id = $1 AND request_id = $2) OR (batch_id = $3 AND person_key = $4)";

    private sealed record Row(VoucherView View, ImmutableArray<string> EligibleInstitutionIds, string RequestId, string PersonKey);

    /// <summary>
    /// The claim's outcome, or null when this channel sent the request id before for another person or batch
    /// (request ids are unique per channel here, where the engine scopes them to the person's claim of the batch).
    /// A request id is the channel's own: another channel's request with the same id is another request.
    /// </summary>
    public async Task<ClaimResult?> ClaimAsync(ClaimRequest c, DateTimeOffset now)
    {
        // PostgreSQL keeps microseconds: the first answer and its replays show the same claim time.
        now = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);
        await using var connection = await db.OpenConnectionAsync();

        // One round trip reads this request's first result, the person's claim of the batch, and the batch.
        Existing existing;
        string? definitionJson = null;
        string? status = null;
        var remaining = 0;
        await using (var lookup = new NpgsqlBatch(connection))
        {
            lookup.BatchCommands.Add(BatchCommand(ExistingSql, c.ChannelId, c.RequestId, c.BatchId, c.PersonKey));
            lookup.BatchCommands.Add(BatchCommand("SELECT definition::text, status, remaining FROM batches WHERE id = $1", c.BatchId));
            await using var reader = await lookup.ExecuteReaderAsync();
            existing = Find(await ReadRowsAsync(reader, now), c);
            await reader.NextResultAsync();
            if (await reader.ReadAsync())
            {
                definitionJson = reader.GetString(0);
                status = reader.GetString(1);
                remaining = reader.GetInt32(2);
            }
        }

        if (existing.Request is not null)
        {
            // The channel's own request again: it was told its answer already.
            return existing.Replay;
        }

        var d = definitionJson is null ? null : batches.Definition(c.BatchId, definitionJson);
        // The baseline keeps no targeted lists: a batch that admits only listed people admits nobody here.
        var terms = d is null ? null : new StockTerms(d, BatchStore.ParseStatus(status!));
        if (ClaimAdmission.Refusal(terms, c, onTargetedList: false, now) is { } refusal)
        {
            // Judged before the person's claim is named, so a refused channel never learns the holder's code.
            return refusal;
        }

        if (existing.Live is { } live)
        {
            return new(ClaimOutcome.AlreadyClaimed, live.View);
        }

        if (remaining <= 0)
        {
            return new(ClaimOutcome.SoldOut);
        }

        var view = new VoucherView(VoucherCode.New(), c.BatchId, d!.ProgramId, VoucherStatus.Claimed, c.MaskedName, c.MaskedIdNumber,
            d.SubsidyAmount, now, d.ExpiryFor(now), c.ChannelId, null, null, null);
        await using var transaction = await connection.BeginTransactionAsync();
        try
        {
            await using var take = Command(connection, transaction,
                "UPDATE batches SET remaining = remaining - 1 WHERE id = $1 AND status = 'active' AND remaining > 0", c.BatchId);
            if (await take.ExecuteNonQueryAsync() == 0)
            {
                await transaction.RollbackAsync();
                return new(ClaimOutcome.SoldOut);
            }

            await using var insert = Command(connection, transaction,
                "INSERT INTO claims (code, batch_id, person_key, channel_id, request_id, program_id, holder_name, holder_id_number, " +
                "subsidy_amount, claimed_at, expires_at, eligible_institution_ids) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                view.Code, c.BatchId, c.PersonKey, c.ChannelId, c.RequestId, view.ProgramId, view.HolderName, view.HolderIdNumber,
                view.SubsidyAmount, view.ClaimedAt, view.ExpiresAt, d.EligibleInstitutionIds.IsDefault ? [] : d.EligibleInstitutionIds.ToArray());
            await insert.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
            return new(ClaimOutcome.Claimed, view);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await transaction.RollbackAsync();
            // A concurrent claim of the same person or the same request won: answer as a retry would be answered.
            // (A clash of two random 80-bit codes would land here too, find nothing and surface as a 500.)
            await using var again = Command(connection, null, ExistingSql, c.ChannelId, c.RequestId, c.BatchId, c.PersonKey);
            await using var reader = await again.ExecuteReaderAsync();
            var winner = Find(await ReadRowsAsync(reader, now), c);
            return winner.Request is not null ? winner.Replay
                : winner.Live is { } held ? new(ClaimOutcome.AlreadyClaimed, held.View)
                : throw new InvalidOperationException("A claim clashed with no visible claim.", e);
        }
    }

    /// <summary>The person's vouchers of batches that enable the channel, newest first.</summary>
    public async Task<IReadOnlyList<VoucherView>> WalletAsync(string personKey, string channelId, DateTimeOffset now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var wallet = new NpgsqlBatch(connection);
        wallet.BatchCommands.Add(BatchCommand("SELECT " + Columns + " FROM claims WHERE person_key = $1 ORDER BY claimed_at DESC", personKey));
        wallet.BatchCommands.Add(BatchCommand(
            "SELECT id, definition::text FROM batches WHERE id IN (SELECT batch_id FROM claims WHERE person_key = $1)", personKey));
        await using var reader = await wallet.ExecuteReaderAsync();
        var rows = await ReadRowsAsync(reader, now);
        await reader.NextResultAsync();
        var enabling = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            var id = reader.GetString(0);
            if (ChannelAccess.Enables(batches.Definition(id, reader.GetString(1)).EnabledChannelIds, channelId))
            {
                enabling.Add(id);
            }
        }

        return [.. rows.Where(r => enabling.Contains(r.View.BatchId)).Select(r => r.View)];
    }

    public async Task<VerifyResult> VerifyAsync(string code, string institutionId, DateTimeOffset now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var command = Command(connection, null, "SELECT " + Columns + " FROM claims WHERE code = $1", code);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = await ReadRowsAsync(reader, now);
        return rows.Count == 0 ? new(VerifyVerdict.Unknown) : Check(rows[0], institutionId);
    }

    /// <summary>The engine's verdicts (VoucherGrain.Check) over a stored claim.</summary>
    private static VerifyResult Check(Row row, string institutionId) => row.View.Status switch
    {
        VoucherStatus.Claimed when !row.EligibleInstitutionIds.IsEmpty && !row.EligibleInstitutionIds.Contains(institutionId)
            => new(VerifyVerdict.NotForThisInstitution, row.View),
        VoucherStatus.Claimed => new(VerifyVerdict.Valid, row.View),
        VoucherStatus.Used or VoucherStatus.SubsidyApplied => new(VerifyVerdict.AlreadyUsed, row.View),
        VoucherStatus.Redeemed => new(VerifyVerdict.Redeemed, row.View),
        VoucherStatus.Returned => new(VerifyVerdict.Returned, row.View),
        _ => new(VerifyVerdict.Expired, row.View),
    };

    /// <summary>This channel's earlier request with this id, if any, and the person's live claim of the batch, if any.</summary>
    private sealed record Existing(Row? Request, Row? Live, ClaimRequest Claim)
    {
        /// <summary>The first result of the channel's request: its claim, or null when that request claimed for someone else.</summary>
        public ClaimResult? Replay =>
            Request is { } first && first.View.BatchId == Claim.BatchId && first.PersonKey == Claim.PersonKey
                ? new(ClaimOutcome.Replayed, first.View)
                : null;
    }

    private static Existing Find(List<Row> rows, ClaimRequest c) =>
        new(rows.Find(r => r.View.ChannelId == c.ChannelId && r.RequestId == c.RequestId),
            rows.Find(r => r.View.BatchId == c.BatchId && r.PersonKey == c.PersonKey),
            c);

    private static async Task<List<Row>> ReadRowsAsync(NpgsqlDataReader reader, DateTimeOffset now)
    {
        var rows = new List<Row>();
        while (await reader.ReadAsync())
        {
            var expiresAt = reader.GetFieldValue<DateTimeOffset>(8);
            var status = Enum.Parse<VoucherStatus>(reader.GetString(3), ignoreCase: true);
            if (status == VoucherStatus.Claimed && now >= expiresAt)
            {
                // Expired is derived from the clock, as in the engine, never written.
                status = VoucherStatus.Expired;
            }

            var view = new VoucherView(
                Code: reader.GetString(0),
                BatchId: reader.GetString(1),
                ProgramId: reader.GetString(2),
                Status: status,
                HolderName: reader.GetString(4),
                HolderIdNumber: reader.GetString(5),
                SubsidyAmount: reader.GetDecimal(6),
                ClaimedAt: reader.GetFieldValue<DateTimeOffset>(7),
                ExpiresAt: expiresAt,
                ChannelId: reader.GetString(9),
                InstitutionId: reader.IsDBNull(10) ? null : reader.GetString(10),
                UsedAt: reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
                ApplicationId: null);
            rows.Add(new Row(view, [.. reader.GetFieldValue<string[]>(12)], reader.GetString(13), reader.GetString(14)));
        }

        return rows;
    }

    private static NpgsqlBatchCommand BatchCommand(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params object[] values)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
