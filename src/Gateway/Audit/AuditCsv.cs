using System.Globalization;
using System.Text;
using Vouchers.Contracts;
using Vouchers.Gateway.Records;

namespace Vouchers.Gateway.Audit;

/// <summary>Writes audit records as CSV, by the rules of <see cref="Csv"/> (formula-safe cells included).</summary>
public static class AuditCsv
{
    public const string Header = "id,occurredAt,actor,action,targetId,regionCode,before,after,clientAddress";

    /// <summary>Records fetched from the cluster per call while streaming.</summary>
    public const int PageSize = 1000;

    /// <summary>Streams the records of the region that pass <paramref name="filters"/>, newest first, page by page, at most <paramref name="maxRows"/>.</summary>
    public static async Task WriteAsync(
        Stream output, IAuditTrailGrain trail, string regionPrefix, AuditQuery filters, int maxRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(trail);
        ArgumentNullException.ThrowIfNull(filters);
        await output.WriteAsync(Csv.ByteOrderMark, cancellationToken);
        await using var writer = new StreamWriter(output, Csv.Utf8, bufferSize: 16 * 1024, leaveOpen: true);
        await writer.WriteAsync(Header + "\r\n");

        var query = filters with { After = null };
        var line = new StringBuilder(256);
        for (var written = 0; written < maxRows;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await trail.QueryAsync(regionPrefix, query with { Limit = Math.Min(PageSize, maxRows - written) });
            foreach (var record in page.Records)
            {
                line.Clear();
                AppendRow(line, record);
                await writer.WriteAsync(line, cancellationToken);
            }

            written += page.Records.Length;
            await writer.FlushAsync(cancellationToken);
            if (page.Next is null)
            {
                break;
            }

            query = query with { After = page.Next };
        }
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
