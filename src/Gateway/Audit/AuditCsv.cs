using System.Globalization;
using System.Text;
using Vouchers.Contracts;
using Vouchers.Gateway.Records;

namespace Vouchers.Gateway.Audit;

/// <summary>Writes audit records as CSV, by the rules of <see cref="Csv"/> (formula-safe cells included).</summary>
public static class AuditCsv
{
    public const string Header = "id,occurredAt,actor,action,targetId,regionCode,before,after,clientAddress";

    /// <summary>Streams the records of the region that pass <paramref name="filters"/>, newest first, page by page, at most <paramref name="maxRows"/>.</summary>
    public static Task WriteAsync(
        Stream output, IAuditTrailGrain trail, string regionPrefix, AuditQuery filters, int maxRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trail);
        ArgumentNullException.ThrowIfNull(filters);
        return Csv.WritePagesAsync<AuditRecord>(output, Header, async (after, limit) =>
        {
            var page = await trail.QueryAsync(regionPrefix, filters with { After = after, Limit = limit });
            return (page.Records, page.Next);
        }, AppendRow, maxRows, cancellationToken);
    }

    /// <summary>One row, CRLF included; the time is China time (UTC+8).</summary>
    public static void AppendRow(StringBuilder line, AuditRecord r)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(r);
        Csv.Field(line, r.Id.ToString(CultureInfo.InvariantCulture)).Append(',');
        Csv.Field(line, Csv.Time(r.OccurredAt)).Append(',');
        Csv.Field(line, r.Actor).Append(',');
        Csv.Field(line, r.Action).Append(',');
        Csv.Field(line, r.TargetId).Append(',');
        Csv.Field(line, r.RegionCode).Append(',');
        Csv.Field(line, r.Before).Append(',');
        Csv.Field(line, r.After).Append(',');
        Csv.Field(line, r.ClientAddress).Append("\r\n");
    }
}
