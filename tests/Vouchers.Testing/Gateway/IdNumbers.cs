using System.Globalization;

namespace Vouchers.Testing.Gateway;

/// <summary>Builds resident ID numbers (GB 11643) that pass the MOD 11-2 check, unique within a test run.</summary>
public static class IdNumbers
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";
    private static readonly DateOnly FirstBirthDate = new(1970, 1, 1);

    // Every call takes the next (birth date, sequence) pair; a random start keeps separate runs apart too.
    private static int next = Random.Shared.Next(0, 1_000_000);

    /// <summary>A fresh valid number of a person born between 1970 and 2000 (an adult for every demo rule).</summary>
    public static string New(string regionCode = "440305")
    {
        var n = Interlocked.Increment(ref next);
        var birth = FirstBirthDate.AddDays(n / 1000 % 10_000);
        return Build(regionCode, birth, n % 1000);
    }

    public static string Build(string regionCode, DateOnly birthDate, int sequence)
    {
        var first17 = regionCode + birthDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + sequence.ToString("000", CultureInfo.InvariantCulture);
        return WithCheckCharacter(first17);
    }

    /// <summary>Appends the right check character to any 17 digits (even ones that are no real number).</summary>
    public static string WithCheckCharacter(string first17) => first17 + CheckCharacter(first17);

    /// <summary>The MOD 11-2 check character of the first 17 digits.</summary>
    public static char CheckCharacter(string first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * Weights[i];
        }

        return CheckCharacters[sum % 11];
    }

    /// <summary>The same number with a check character that is wrong.</summary>
    public static string WithWrongCheckCharacter(string valid)
    {
        var wrong = CheckCharacters.First(c => c != valid[17]);
        return valid[..17] + wrong;
    }
}
