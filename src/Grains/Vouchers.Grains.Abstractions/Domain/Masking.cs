namespace Vouchers.Domain;

/// <summary>Masks personal names and voucher codes for responses and records.</summary>
public static class Masking
{
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
