namespace Vouchers.Domain;

/// <summary>Masks personal names for responses: the family name stays, the rest becomes asterisks.</summary>
public static class Masking
{
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
