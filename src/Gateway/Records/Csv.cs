using System.Globalization;
using System.Text;
using Vouchers.Contracts;
using Vouchers.Domain;

namespace Vouchers.Gateway.Records;

/// <summary>
/// The CSV rules of every export (RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote or line break
/// quoted, quotes doubled; UTF-8 with a byte-order mark so that Excel reads Chinese as Chinese). A field that a
/// spreadsheet would run as a formula (starting with = + - @) is prefixed with an apostrophe.
/// </summary>
public static class Csv
{
    public static readonly byte[] ByteOrderMark = [0xEF, 0xBB, 0xBF];

    public static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Appends one field, quoted and guarded as needed (nothing for null or empty).</summary>
    public static StringBuilder Field(StringBuilder line, string? value)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (string.IsNullOrEmpty(value))
        {
            return line;
        }

        var guarded = value[0] is '=' or '+' or '-' or '@' ? "'" + value : value;
        if (guarded.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return line.Append(guarded);
        }

        return line.Append('"').Append(guarded.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }

    /// <summary>China time (UTC+8) as <c>yyyy-MM-dd HH:mm:ss</c>, which Excel reads as a date.</summary>
    public static string Time(DateTimeOffset time) =>
        time.ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Records fetched from the cluster per call while an export streams.</summary>
    public const int PageSize = 1000;

    /// <summary>
    /// Streams an export: the byte-order mark, <paramref name="header"/>, then the rows of the pages that
    /// <paramref name="fetch"/> (cursor, limit) returns, newest first, until no page follows or <paramref name="maxRows"/>
    /// rows are written; flushed page by page.
    /// </summary>
    public static async Task WritePagesAsync<TRecord>(
        Stream output,
        string header,
        Func<RecordCursor?, int, Task<(IReadOnlyList<TRecord> Records, RecordCursor? Next)>> fetch,
        Action<StringBuilder, TRecord> appendRow,
        int maxRows,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(fetch);
        ArgumentNullException.ThrowIfNull(appendRow);
        await output.WriteAsync(ByteOrderMark, cancellationToken);
        await using var writer = new StreamWriter(output, Utf8, bufferSize: 16 * 1024, leaveOpen: true);
        await writer.WriteAsync(header + "\r\n");

        RecordCursor? after = null;
        var line = new StringBuilder(256);
        for (var written = 0; written < maxRows;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (records, next) = await fetch(after, Math.Min(PageSize, maxRows - written));
            foreach (var record in records)
            {
                line.Clear();
                appendRow(line, record);
                await writer.WriteAsync(line, cancellationToken);
            }

            written += records.Count;
            await writer.FlushAsync(cancellationToken);
            if (next is null)
            {
                break;
            }

            after = next;
        }
    }
}
