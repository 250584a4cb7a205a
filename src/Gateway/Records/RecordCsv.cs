using System.Globalization;
using System.Text;
using Vouchers.Contracts;

namespace Vouchers.Gateway.Records;

/// <summary>Writes verification records as CSV, by the rules of <see cref="Csv"/>.</summary>
public static class RecordCsv
{
    public const string Header = "id,occurredAt,kind,code,result,resultText,clerk,deviceId,mode,courseId,classId";

    /// <summary>
    /// Streams the institution's records that pass <paramref name="filters"/>, newest first, page by page, at most
    /// <paramref name="maxRows"/> of them.
    /// </summary>
    public static Task WriteAsync(
        Stream output, IVerificationRecordsGrain records, string institutionId, RecordQuery filters, int maxRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(filters);
        return Csv.WritePagesAsync<VerificationRecord>(output, Header, async (after, limit) =>
        {
            var page = await records.QueryAsync(institutionId, filters with { After = after, Limit = limit });
            return (page.Records, page.Next);
        }, AppendRow, maxRows, cancellationToken);
    }

    /// <summary>One row, CRLF included. Times are China time (UTC+8) as <c>yyyy-MM-dd HH:mm:ss</c>, which Excel reads as a date.</summary>
    public static void AppendRow(StringBuilder line, VerificationRecord r)
    {
        Field(line, r.Id.ToString(CultureInfo.InvariantCulture)).Append(',');
        Field(line, Csv.Time(r.OccurredAt)).Append(',');
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

    private static StringBuilder Field(StringBuilder line, string? value) => Csv.Field(line, value);

    private static string CamelCase(string name) => string.Concat(char.ToLowerInvariant(name[0]).ToString(), name[1..]);
}
