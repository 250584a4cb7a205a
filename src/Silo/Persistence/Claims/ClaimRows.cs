using System.Collections.Immutable;
using Npgsql;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Grains.Claims;

namespace Vouchers.Silo.Persistence.Claims;

/// <summary>
/// Claims to and from rows of <c>vouchers_claims</c>: what a row must satisfy before it is queued, how the group
/// INSERT carries institution ids, and how read rows become <see cref="StoredClaim"/>s and <see cref="ShardClaim"/>s.
/// </summary>
internal static class ClaimRows
{
    /// <summary>
    /// Refuses, before it is queued, a claim that PostgreSQL would reject: one bad row would fail its whole group.
    /// </summary>
    public static void Validate(StoredClaim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentException.ThrowIfNullOrEmpty(claim.Code);
        ArgumentException.ThrowIfNullOrEmpty(claim.BatchId);
        ArgumentException.ThrowIfNullOrEmpty(claim.PersonKey);
        ArgumentOutOfRangeException.ThrowIfNegative(claim.Shard);
        if (claim.SubsidyAmount is < 0 or >= 10_000_000_000m || decimal.Round(claim.SubsidyAmount, 2) != claim.SubsidyAmount)
        {
            throw new ArgumentOutOfRangeException(nameof(claim), claim.SubsidyAmount, "The subsidy amount must fit numeric(12,2): 0 to 9999999999.99, at most two decimals.");
        }

        string[] texts = [claim.Code, claim.BatchId, claim.PersonKey, claim.ChannelId, claim.RequestId, claim.ProgramId, claim.HolderName, claim.HolderIdNumber,
            .. claim.Profile is { } profile ? new[] { profile.RegionCode, profile.TargetGroup } : []];
        if (texts.Concat(claim.EligibleInstitutionIds.IsDefault ? [] : claim.EligibleInstitutionIds).Any(text => text is null || text.Contains('\0', StringComparison.Ordinal)))
        {
            throw new ArgumentException("The claim's texts and institution ids must not be null nor contain NUL characters.", nameof(claim));
        }
    }

    /// <summary>
    /// The institution ids of all <paramref name="rows"/> as one flat array, and each row's slice of it as 1-based
    /// bounds (<c>ids[first:last]</c>; first &gt; last for a row without any): unnest cannot yield one array per row.
    /// </summary>
    public static (string[] Ids, int[] First, int[] Last) InstitutionSlices(IReadOnlyList<PendingAppend> rows)
    {
        var institutionIds = new List<string>();
        var first = new int[rows.Count];
        var last = new int[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var ids = rows[i].Claim.EligibleInstitutionIds;
            first[i] = institutionIds.Count + 1;
            institutionIds.AddRange(ids.IsDefault ? [] : ids);
            last[i] = institutionIds.Count;
        }

        return ([.. institutionIds], first, last);
    }

    /// <summary>Reads the rows of a query selecting <c>ClaimStatements.Columns</c>.</summary>
    public static async Task<List<StoredClaim>> ReadClaimsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var claims = new List<StoredClaim>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            claims.Add(new StoredClaim(
                reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetDecimal(9),
                reader.GetFieldValue<DateTimeOffset>(10), reader.GetFieldValue<DateTimeOffset>(11),
                ImmutableArray.Create(reader.GetFieldValue<string[]>(12)),
                reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13),
                reader.IsDBNull(14)
                    ? null
                    : new ClaimantProfile(reader.GetString(14), reader.GetInt32(15), Enum.Parse<Gender>(reader.GetString(16)), reader.GetString(17))));
        }

        return claims;
    }

    /// <summary>Reads the rows of <see cref="ClaimStatements.LoadShard"/>.</summary>
    public static async Task<List<ShardClaim>> ReadShardClaimsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var claims = new List<ShardClaim>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            claims.Add(new ShardClaim(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetDecimal(6), reader.GetFieldValue<DateTimeOffset>(7),
                reader.GetFieldValue<DateTimeOffset>(8), reader.GetBoolean(9)));
        }

        return claims;
    }
}
