using System.Globalization;
using System.Text;
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
}
