namespace Vouchers.Domain;

/// <summary>Masks personal names, ID numbers and voucher codes for responses, records and logs.</summary>
public static class Masking
{
    private const int IdNumberLength = 18;
    /// <summary>The part of a masked code that stands for the hidden characters.</summary>
    public const string Ellipsis = "…";

    private const int CodeEdge = 4;

    /// <summary>
    /// A code as records show it: its first and last four characters around an ellipsis (<c>ABCD…WXYZ</c>), so a
    /// clerk can match it to the voucher in hand while the record does not hold a usable code. Shorter input (a
    /// malformed scan) shows as the ellipsis alone; characters outside the code alphabet show as <c>?</c>.
    /// </summary>
    public static string MaskCode(string? code)
    {
        if (code is null || code.Length <= 2 * CodeEdge)
        {
            return Ellipsis;
        }

        return string.Concat(Readable(code.AsSpan(0, CodeEdge)), Ellipsis, Readable(code.AsSpan(code.Length - CodeEdge)));
    }

    /// <summary>An ID number as responses show it: the region's first four digits and the last four characters.</summary>
    public static string MaskIdNumber(string idNumber)
    {
        ArgumentNullException.ThrowIfNull(idNumber);
        return idNumber.Length == IdNumberLength ? string.Concat(idNumber.AsSpan(0, 4), "**********", idNumber.AsSpan(14, 4)) : "**********";
    }

    /// <summary>
    /// Free text (a log line, an exception, a URL) with every voucher code masked as <see cref="MaskCode"/> does and every
    /// resident ID number masked as <see cref="MaskIdNumber"/> does. A code or ID number is a run of letters and digits
    /// standing alone (between characters that are neither) with a code's shape (17 characters of the code alphabet,
    /// read as a scan gun's input is) or an ID number's (17 digits and a digit or X). Text with neither is returned as is.
    /// </summary>
    public static string MaskSecretsInText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        System.Text.StringBuilder? masked = null;
        var copied = 0;
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsAsciiLetterOrDigit(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && char.IsAsciiLetterOrDigit(text[i]))
            {
                i++;
            }

            var replacement = (i - start) switch
            {
                VoucherCode.Length when VoucherCode.Normalize(text[start..i]) is { } code && VoucherCode.HasCodeShape(code) => MaskCode(code),
                IdNumberLength when IsIdNumberShaped(text.AsSpan(start, IdNumberLength)) => MaskIdNumber(text[start..i]),
                _ => null,
            };
            if (replacement is null)
            {
                continue;
            }

            masked ??= new System.Text.StringBuilder(text.Length);
            masked.Append(text, copied, start - copied).Append(replacement);
            copied = i;
        }

        return masked is null ? text : masked.Append(text, copied, text.Length - copied).ToString();
    }

    private static bool IsIdNumberShaped(ReadOnlySpan<char> run) =>
        !run[..(IdNumberLength - 1)].ContainsAnyExceptInRange('0', '9') && (char.IsAsciiDigit(run[^1]) || run[^1] is 'X' or 'x');

    private static string Readable(ReadOnlySpan<char> part)
    {
        Span<char> chars = stackalloc char[part.Length];
        for (var i = 0; i < part.Length; i++)
        {
            chars[i] = part[i] is (>= '0' and <= '9') or (>= 'A' and <= 'Z') ? part[i] : '?';
        }

        return new string(chars);
    }

    /// <summary>What stands for the hidden part of a name, whatever its length.</summary>
    public const string NameRest = "**";

    /// <summary>
    /// The first character (text element) of the name and a fixed <c>**</c>: 张** for 张三 and for 欧阳娜娜, so the mask
    /// does not tell the name's length. A name of one character shows as <c>***</c>.
    /// </summary>
    public static string MaskName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var trimmed = name.Trim();
        return DisplayText.Length(trimmed) <= 1
            ? "*" + NameRest
            : System.Globalization.StringInfo.GetNextTextElement(trimmed, 0) + NameRest;
    }
}
