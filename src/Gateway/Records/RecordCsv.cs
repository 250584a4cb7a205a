using System.Globalization;
using System.Text;
using Vouchers.Contracts;
using Vouchers.Domain;

namespace Vouchers.Gateway.Records;

/// <summary>
/// Writes verification records as CSV (RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote or line
/// break quoted, quotes doubled), UTF-8 with a byte-order mark so that Excel reads the Chinese column as Chinese. A
/// field that a spreadsheet would run as a formula (starting with = + - @) is prefixed with an apostrophe.
/// </summary>
public static class RecordCsv
{
    public const string Header = "id,occurredAt,kind,code,result,resultText,clerk,deviceId,mode,courseId,classId";

    /// <summary>Records fetched from the cluster per call while streaming.</summary>
    public const int PageSize = 1000;

    private static readonly byte[] ByteOrderMark = [0xEF, 0xBB, 0xBF];
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Streams the institution's records that pass <paramref name="filters"/>, newest first, page by page, at most
    /// <paramref name="maxRows"/> of them.
    /// </summary>
    public static async Task WriteAsync(
        Stream output, IVerificationRecordsGrain records, string institutionId, RecordQuery filters, int maxRows, CancellationToken cancellationToken)
    {
        await output.WriteAsync(ByteOrderMark, cancellationToken);
        await using var writer = new StreamWriter(output, Utf8, bufferSize: 16 * 1024, leaveOpen: true);
        await writer.WriteAsync(Header + "\r\n");

        var query = filters with { After = null };
        var line = new StringBuilder(160);
        for (var written = 0; written < maxRows;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await records.QueryAsync(institutionId, query with { Limit = Math.Min(PageSize, maxRows - written) });
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

    /// <summary>One row, CRLF included. Times are China time (UTC+8) as <c>yyyy-MM-dd HH:mm:ss</c>, which Excel reads as a date.</summary>
    public static void AppendRow(StringBuilder line, VerificationRecord r)
    {
        Field(line, r.Id.ToString(CultureInfo.InvariantCulture)).Append(',');
        Field(line, r.OccurredAt.ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append(',');
        Field(line, r.Kind == RecordKind.Verify ? "verify" : "use").Append(',');
        Field(line, r.MaskedCode).Append(',');
        Field(line, CamelCase(r.Result.ToString())).Append(',');
        Field(line, Describe(r.Kind, r.Result)).Append(',');
        Field(line, r.Clerk).Append(',');
        Field(line, r.DeviceId).Append(',');
        Field(line, r.Mode is { } mode ? CamelCase(mode.ToString()) : null).Append(',');
        Field(line, r.CourseId).Append(',');
        Field(line, r.ClassId).Append("\r\n");
    }

    /// <summary>What the result means to a clerk, in Chinese.</summary>
    public static string Describe(RecordKind kind, VerifyVerdict result) => result switch
    {
        VerifyVerdict.Valid => kind == RecordKind.Use ? "使用成功" : "有效",
        VerifyVerdict.Unknown => "无此券",
        VerifyVerdict.Malformed => "不是券码",
        VerifyVerdict.Expired => "已过期",
        VerifyVerdict.Returned => "已退券",
        VerifyVerdict.Redeemed => "已核销",
        VerifyVerdict.AlreadyUsed => "已使用",
        VerifyVerdict.NotForThisInstitution => "本机构不可用",
        _ => result.ToString(),
    };

    private static StringBuilder Field(StringBuilder line, string? value)
    {
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

    private static string CamelCase(string name) => string.Concat(char.ToLowerInvariant(name[0]).ToString(), name[1..]);
}
