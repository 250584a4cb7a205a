namespace Vouchers.LoadTests.Scenarios;

/// <summary>A synthetic resident: a valid GB 11643 ID number and a plausible name.</summary>
public sealed record Person(string IdNumber, string Name);

/// <summary>
/// Distinct synthetic people, spread over regions and ages 18–60: index i maps one-to-one onto
/// (region, birth date, sequence), so a run never repeats a person. The offset makes each run's people new.
/// </summary>
public sealed class PersonPool
{
    // County-level codes of GB/T 2260 across many provinces.
    private static readonly string[] Regions =
    [
        "110101", "120101", "130102", "140105", "150102", "210102", "220102", "230102", "310101", "320102",
        "330102", "340102", "350102", "360102", "370102", "410102", "420102", "430102", "440103", "440106",
        "440303", "440304", "440305", "440306", "441302", "450102", "460105", "500101", "510104", "520102",
        "530102", "610102", "620102", "640104", "650102",
    ];

    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";
    private const string Surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈";
    private const string Given = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍鹏辉建红宇浩凯斌鑫婷雪琳晨欣怡子涵梓萱俊豪嘉";

    private readonly DateOnly oldest;
    private readonly int days;
    private readonly int stride;
    private readonly long offset;
    private readonly long size;

    public PersonPool(long offset, DateOnly? today = null)
    {
        var now = today ?? DateOnly.FromDateTime(DateTime.UtcNow);
        // Two days of margin at each end keep every age within 18..60 whatever the time zone of the engine's clock.
        oldest = now.AddYears(-61).AddDays(3);
        var youngest = now.AddYears(-18).AddDays(-2);
        days = youngest.DayNumber - oldest.DayNumber + 1;
        stride = new[] { 7919, 7907, 7901, 7883, 7879 }.First(p => days % p != 0);
        size = (long)Regions.Length * days * 1000;
        this.offset = ((offset % size) + size) % size;
    }

    /// <summary>How many distinct people the pool holds.</summary>
    public long Size => size;

    public Person this[long index]
    {
        get
        {
            var i = (offset + index) % size;
            var region = Regions[i % Regions.Length];
            var rest = i / Regions.Length;
            var birth = oldest.AddDays((int)(rest % days * stride % days));
            var sequence = (int)(rest / days % 1000);
            var first17 = $"{region}{birth:yyyyMMdd}{sequence:000}";
            var id = first17 + CheckCharacter(first17);
            var name = string.Concat(Surnames[(int)(i % Surnames.Length)], Given[(int)(i / 7 % Given.Length)], i % 3 == 0 ? "" : Given[(int)(i / 11 % Given.Length)].ToString());
            return new Person(id, name);
        }
    }

    /// <summary>The MOD 11-2 check character of GB 11643.</summary>
    public static char CheckCharacter(string first17)
    {
        var sum = 0;
        for (var k = 0; k < 17; k++)
        {
            sum += (first17[k] - '0') * Weights[k];
        }

        return CheckCharacters[sum % 11];
    }
}

/// <summary>Voucher codes as the engine makes them: 16 Crockford base-32 characters and a Luhn mod 32 check character.</summary>
public static class VoucherCodes
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>A well-formed code that was never issued (80 random bits: a collision is out of the question).</summary>
    public static string NewUnissued(Random random)
    {
        Span<char> data = stackalloc char[16];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = Alphabet[random.Next(32)];
        }

        return string.Concat(data, [CheckCharacter(data)]);
    }

    /// <summary>The code with one data character changed: the check character then no longer matches (a mistyped scan).</summary>
    public static string Mistype(string code, Random random)
    {
        var chars = code.ToCharArray();
        var at = random.Next(16);
        chars[at] = Alphabet[(Alphabet.IndexOf(chars[at], StringComparison.Ordinal) + 1 + random.Next(31)) % 32];
        return new string(chars);
    }

    public static char CheckCharacter(ReadOnlySpan<char> data)
    {
        var factor = 2;
        var sum = 0;
        for (var i = data.Length - 1; i >= 0; i--)
        {
            var addend = factor * Alphabet.IndexOf(data[i], StringComparison.Ordinal);
            factor = factor == 2 ? 1 : 2;
            sum += (addend / 32) + (addend % 32);
        }

        return Alphabet[(32 - (sum % 32)) % 32];
    }
}

/// <summary>Draws 0..n-1 with probability proportional to 1/(k+1)^s: a few hot batches, a long tail.</summary>
public sealed class Zipf
{
    private readonly double[] cumulative;

    public Zipf(int n, double s = 1.1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        cumulative = new double[n];
        var sum = 0.0;
        for (var k = 0; k < n; k++)
        {
            sum += 1 / Math.Pow(k + 1, s);
            cumulative[k] = sum;
        }

        for (var k = 0; k < n; k++)
        {
            cumulative[k] /= sum;
        }
    }

    public int Next(Random random)
    {
        var i = Array.BinarySearch(cumulative, random.NextDouble());
        return Math.Min(i < 0 ? ~i : i, cumulative.Length - 1);
    }
}
