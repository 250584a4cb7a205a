using Npgsql;
using Vouchers.Grains.Claims;
using Vouchers.Silo.Persistence.Events;

namespace Vouchers.Silo.Persistence.Claims;

/// <summary>
/// Writes one group of appends with one <see cref="ClaimStatements.InsertGroup"/> round trip (and a second one only
/// when some row conflicted) and completes every append of the group. Synchronous: it runs on a writer's own thread
/// (see <see cref="GroupCommitWriter"/>).
/// </summary>
internal sealed partial class GroupInsert
{
    private readonly NpgsqlDataSource dataSource;
    private readonly ILogger logger;
    private readonly bool writeEvents;
    private long flushes;

    /// <summary>Writes each claim's event with it unless <paramref name="writeEvents"/> is false (<c>Events:Enabled</c> off).</summary>
    public GroupInsert(NpgsqlDataSource dataSource, ILogger logger, bool writeEvents)
    {
        this.dataSource = dataSource;
        this.logger = logger;
        this.writeEvents = writeEvents;
    }

    /// <summary>INSERT round trips made so far, one per group.</summary>
    public long Flushes => Interlocked.Read(ref flushes);

    /// <summary>Writes one group and completes every append in it; never throws, so the loop survives any failure.</summary>
    public void Write(List<PendingAppend> group)
    {
        // The primary key lets one copy of a code in at most, and RETURNING code must name exactly one row, so a
        // code repeated inside the group is answered CodeTaken (draw another code) without being sent.
        var codes = new HashSet<string>(group.Count, StringComparer.Ordinal);
        var rows = new List<PendingAppend>(group.Count);
        foreach (var pending in group)
        {
            if (codes.Add(pending.Claim.Code))
            {
                rows.Add(pending);
            }
            else
            {
                pending.TrySetResult(AppendOutcome.CodeTaken);
            }
        }

        // Concurrent groups (other writers, other silos) wait on each other's live-claim keys; inserting every group
        // in one order of those keys rules out deadlocks. The sort is stable: of one person's rows, the first queued
        // is still inserted first.
        rows = [.. rows.OrderBy(pending => pending.Claim.BatchId, StringComparer.Ordinal).ThenBy(pending => pending.Claim.PersonKey, StringComparer.Ordinal)];

        Dictionary<string, bool> inserted;
        try
        {
            inserted = Insert(rows);
        }
        catch (Exception exception)
        {
            LogGroupFailed(exception, rows.Count);
            rows.ForEach(pending => pending.TrySetException(exception));
            return;
        }

        var conflicted = new List<PendingAppend>();
        foreach (var pending in rows)
        {
            if (inserted.TryGetValue(pending.Claim.Code, out var stored))
            {
                pending.TrySetResult(stored ? AppendOutcome.Stored : AppendOutcome.NoStock);
            }
            else
            {
                conflicted.Add(pending);
            }
        }

        if (conflicted.Count == 0)
        {
            return;
        }

        try
        {
            var taken = ExistingCodes(conflicted);
            conflicted.ForEach(pending => pending.TrySetResult(
                taken.Contains(pending.Claim.Code) ? AppendOutcome.CodeTaken : AppendOutcome.PersonHasLiveClaim));
        }
        catch (Exception exception)
        {
            // These rows were not written, so failing them is the truth; only their reason is unknown.
            LogClassificationFailed(exception, conflicted.Count);
            conflicted.ForEach(pending => pending.TrySetException(exception));
        }
    }

    private Dictionary<string, bool> Insert(List<PendingAppend> rows)
    {
        var (institutionIds, first, last) = ClaimRows.InstitutionSlices(rows);

        using var command = dataSource.CreateCommand(ClaimStatements.InsertGroup);
        command.Parameters.Add(Column("codes", rows, c => c.Code));
        command.Parameters.Add(Column("batch_ids", rows, c => c.BatchId));
        command.Parameters.Add(Column("shards", rows, c => c.Shard));
        command.Parameters.Add(Column("person_keys", rows, c => c.PersonKey));
        command.Parameters.Add(Column("channel_ids", rows, c => c.ChannelId));
        command.Parameters.Add(Column("request_ids", rows, c => c.RequestId));
        command.Parameters.Add(Column("program_ids", rows, c => c.ProgramId));
        command.Parameters.Add(Column("holder_names", rows, c => c.HolderName));
        command.Parameters.Add(Column("holder_id_numbers", rows, c => c.HolderIdNumber));
        command.Parameters.Add(Column("subsidy_amounts", rows, c => c.SubsidyAmount));
        command.Parameters.Add(Column("claimed_at", rows, c => c.ClaimedAt.ToUniversalTime()));
        command.Parameters.Add(Column("expires_at", rows, c => c.ExpiresAt.ToUniversalTime()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("institution_ids", institutionIds));
        command.Parameters.Add(new NpgsqlParameter<int[]>("first_institutions", first));
        command.Parameters.Add(new NpgsqlParameter<int[]>("last_institutions", last));
        command.Parameters.Add(Column("region_codes", rows, c => c.Profile?.RegionCode));
        command.Parameters.Add(Column("ages", rows, c => c.Profile?.Age));
        command.Parameters.Add(Column("genders", rows, c => c.Profile?.Gender.ToString()));
        command.Parameters.Add(Column("target_groups", rows, c => c.Profile?.TargetGroup));
        EventRows.AddParameters(command, writeEvents ? [.. rows.Select(row => ClaimEvents.Claimed(row.Claim))] : []);

        Interlocked.Increment(ref flushes);
        // RETURNING rows arrive before the commit; the reader is disposed (read up to ReadyForQuery, after the
        // commit) before this method returns, and only then is any append completed.
        var inserted = new Dictionary<string, bool>(rows.Count, StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            inserted[reader.GetString(0)] = reader.GetBoolean(1);
        }

        return inserted;
    }

    private HashSet<string> ExistingCodes(List<PendingAppend> rows)
    {
        using var command = dataSource.CreateCommand(ClaimStatements.ExistingCodes);
        command.Parameters.Add(Column("codes", rows, c => c.Code));
        var existing = new HashSet<string>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            existing.Add(reader.GetString(0));
        }

        return existing;
    }

    private static NpgsqlParameter<T[]> Column<T>(string name, List<PendingAppend> rows, Func<StoredClaim, T> value) =>
        new(name, [.. rows.Select(row => value(row.Claim))]);

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Writing a group of {Count} claims failed; none of them was acknowledged")]
    private partial void LogGroupFailed(Exception exception, int count);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Telling apart {Count} conflicting claims failed; none of them was written")]
    private partial void LogClassificationFailed(Exception exception, int count);
}
