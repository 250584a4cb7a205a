using System.Globalization;
using System.Text;

namespace Vouchers.Domain;

/// <summary>
/// The rule for text that people read: names, titles, addresses. It is trimmed; its length is counted in text elements
/// (what a reader sees as one character: 张, é written as e + accent, a flag), not in UTF-16 units; and it holds no
/// control or format characters (Unicode categories Cc and Cf: U+0007 bell, U+200B zero-width space, U+202E
/// right-to-left override, which can make a name read differently from what is stored), no line or paragraph
/// separators and no lone surrogates. Every caller that accepts such text checks it here.
/// </summary>
public static class DisplayText
{
    /// <summary>The trimmed text when it passes, else null with <paramref name="error"/> saying why (for a 400 naming the field).</summary>
    /// <param name="value">The text as received.</param>
    /// <param name="maxLength">The most text elements it may have.</param>
    /// <param name="error">Why it does not pass; null when it does.</param>
    /// <param name="required">Whether empty or blank text is refused (else it passes as null with no error).</param>
    public static string? Check(string? value, int maxLength, out string? error, bool required = true)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error = required ? $"The field is required, at most {maxLength} characters." : null;
            return null;
        }

        if (FirstForbidden(text) is { } forbidden)
        {
            error = $"The text contains {forbidden}, which names and titles may not hold (control or format characters, separators, lone surrogates).";
            return null;
        }

        if (Length(text) > maxLength)
        {
            error = $"The field has at most {maxLength} characters.";
            return null;
        }

        error = null;
        return text;
    }

    /// <summary>The length a reader sees: the number of text elements (grapheme clusters).</summary>
    public static int Length(string text) => new StringInfo(text).LengthInTextElements;

    /// <summary>The first character the rule forbids, as "U+XXXX", or null when there is none.</summary>
    public static string? FirstForbidden(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return $"U+{(int)rest[0]:X4} (a lone surrogate)";
            }

            if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return $"U+{rune.Value:X4}";
            }

            rest = rest[consumed..];
        }

        return null;
    }
}
