using System.Globalization;

namespace Vouchers.Domain;

/// <summary>
/// An 18-character resident identity number (GB 11643-1999): a 6-digit region code, an 8-digit birth date,
/// a 3-digit sequence (odd for men, even for women) and a MOD 11-2 check character.
/// The raw value never leaves the gateway: grains see only <see cref="PersonProfile"/> and keyed hashes.
/// </summary>
public sealed class ResidentIdNumber
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    // Province-level codes of GB/T 2260 (the first two digits of every region code).
    private static readonly HashSet<string> Provinces =
    [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
        "71", "81", "82", "83",
    ];

    private ResidentIdNumber(string value, DateOnly birthDate)
    {
        Value = value;
        BirthDate = birthDate;
    }

    /// <summary>The normalized number (upper-case X).</summary>
    public string Value { get; }

    /// <summary>The 6-digit administrative region code of registration.</summary>
    public string RegionCode => Value[..6];

    public DateOnly BirthDate { get; }

    public Gender Gender => (Value[16] - '0') % 2 == 1 ? Gender.Male : Gender.Female;

    /// <summary>Shows the region's first four digits and the last four characters only.</summary>
    public string Masked => Masking.MaskIdNumber(Value);

    public PersonProfile ToProfile() => new(BirthDate, RegionCode, Gender);

    /// <summary>Parses and validates a number; <paramref name="error"/> says what is wrong in plain words.</summary>
    public static bool TryParse(string? input, DateOnly today, out ResidentIdNumber? id, out string? error)
    {
        id = null;
        var value = input?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(value))
        {
            error = "The ID number is required.";
            return false;
        }

        if (value.Length != 18)
        {
            error = "The ID number must have 18 characters.";
            return false;
        }

        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(value[i]))
            {
                error = "The first 17 characters of the ID number must be digits.";
                return false;
            }
        }

        if (!char.IsAsciiDigit(value[17]) && value[17] != 'X')
        {
            error = "The last character of the ID number must be a digit or X.";
            return false;
        }

        if (!Provinces.Contains(value[..2]))
        {
            error = "The ID number does not start with a known province code.";
            return false;
        }

        if (!DateOnly.TryParseExact(value.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birth)
            || birth.Year < 1900 || birth > today)
        {
            error = "The ID number does not contain a real birth date.";
            return false;
        }

        if (ComputeCheckCharacter(value.AsSpan(0, 17)) != value[17])
        {
            error = "The ID number's check digit is wrong.";
            return false;
        }

        id = new ResidentIdNumber(value, birth);
        error = null;
        return true;
    }

    /// <summary>The MOD 11-2 check character for the first 17 digits.</summary>
    public static char ComputeCheckCharacter(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * Weights[i];
        }

        return CheckCharacters[sum % 11];
    }
}
