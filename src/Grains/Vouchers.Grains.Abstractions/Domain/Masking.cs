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

    /// <summary>The family name stays, the rest becomes asterisks.</summary>
    public static string MaskName(string name)
    {
        var trimmed = name.Trim();
        var letters = System.Globalization.StringInfo.ParseCombiningCharacters(trimmed);
        if (letters.Length <= 1)
        {
            return "*";
        }

        var first = System.Globalization.StringInfo.GetNextTextElement(trimmed, 0);
        return first + new string('*', letters.Length - 1);
    }
}
