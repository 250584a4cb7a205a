using Vouchers.Domain;

namespace Vouchers.Grains.Tests.Domain;

public sealed class ResidentIdNumberTests
{
    private static readonly DateOnly Today = new(2026, 3, 2);

    /// <summary>
    /// GB 11643 check character, computed independently of the production table: weights are 2^(17-i) mod 11,
    /// the check value is (12 - sum mod 11) mod 11, and 10 is written X.
    /// </summary>
    private static string WithCheckDigit(string first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var weight = (int)(Math.Pow(2, 17 - i) % 11);
            sum += (first17[i] - '0') * weight;
        }

        var check = (12 - (sum % 11)) % 11;
        return first17 + (check == 10 ? "X" : check.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void TheTestHelperAgreesWithTheWellKnownSample()
    {
        Assert.Equal("11010519491231002X", WithCheckDigit("11010519491231002"));
    }

    [Fact]
    public void AWellKnownValidNumberParsesIntoItsParts()
    {
        Assert.True(ResidentIdNumber.TryParse("11010519491231002X", Today, out var id, out var error));

        Assert.Null(error);
        Assert.NotNull(id);
        Assert.Equal("11010519491231002X", id.Value);
        Assert.Equal("110105", id.RegionCode);
        Assert.Equal(new DateOnly(1949, 12, 31), id.BirthDate);
        Assert.Equal(Gender.Female, id.Gender);
        Assert.Equal(new PersonProfile(new DateOnly(1949, 12, 31), "110105", Gender.Female), id.ToProfile());
    }

    [Fact]
    public void ALowerCaseXAndSurroundingSpacesAreAcceptedAndNormalized()
    {
        Assert.True(ResidentIdNumber.TryParse("  11010519491231002x ", Today, out var id, out _));

        Assert.Equal("11010519491231002X", id!.Value);
    }

    [Fact]
    public void AnOddSequenceNumberMeansAManAndTheAgeCountsWholeYears()
    {
        var number = WithCheckDigit("44030519900517123");

        Assert.True(ResidentIdNumber.TryParse(number, Today, out var id, out var error), error);

        Assert.Equal(Gender.Male, id!.Gender);
        var profile = id.ToProfile();
        Assert.Equal(34, profile.AgeOn(new DateOnly(2025, 5, 16)));
        Assert.Equal(35, profile.AgeOn(new DateOnly(2025, 5, 17)));
        Assert.Equal(35, profile.AgeOn(Today));
    }

    [Fact]
    public void MaskingShowsOnlyTheFirstFourAndTheLastFourCharacters()
    {
        Assert.True(ResidentIdNumber.TryParse("11010519491231002X", Today, out var id, out _));

        Assert.Equal("1101**********002X", id!.Masked);
        Assert.Equal(18, id.Masked.Length);
        Assert.DoesNotContain("19491231", id.Masked, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryWrongCheckCharacterIsRejected()
    {
        foreach (var wrong in "0123456789".Where(c => c != 'X'))
        {
            var number = "11010519491231002" + wrong;

            Assert.False(ResidentIdNumber.TryParse(number, Today, out var id, out var error));
            Assert.Null(id);
            Assert.Contains("check digit", error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("19900230")] // 30 February
    [InlineData("19901301")] // month 13
    [InlineData("18991231")] // before 1900
    [InlineData("20260303")] // tomorrow
    public void AnImpossibleBirthDateIsRejectedEvenWithAValidCheckDigit(string birthDate)
    {
        var number = WithCheckDigit("440305" + birthDate + "123");

        Assert.False(ResidentIdNumber.TryParse(number, Today, out var id, out var error));

        Assert.Null(id);
        Assert.Contains("birth date", error, StringComparison.Ordinal);
    }

    [Fact]
    public void SomebodyBornTodayHasAValidNumber()
    {
        var number = WithCheckDigit("440305" + "20260302" + "124");

        Assert.True(ResidentIdNumber.TryParse(number, Today, out var id, out var error), error);
        Assert.Equal(0, id!.ToProfile().AgeOn(Today));
    }

    [Theory]
    [InlineData("11010519491231002")]
    [InlineData("11010519491231002X1")]
    [InlineData("110105194912310")]
    public void ANumberThatIsNotEighteenCharactersLongIsRejected(string number)
    {
        Assert.False(ResidentIdNumber.TryParse(number, Today, out var id, out var error));

        Assert.Null(id);
        Assert.Contains("18 characters", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void AMissingNumberIsRejected(string? number)
    {
        Assert.False(ResidentIdNumber.TryParse(number, Today, out var id, out var error));

        Assert.Null(id);
        Assert.Contains("required", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1101051949A231002X", "first 17 characters")]
    [InlineData("X10105194912310021", "first 17 characters")]
    [InlineData("11010519491231002Y", "last character")]
    public void LettersOutsideTheCheckPositionAreRejected(string number, string expected)
    {
        Assert.False(ResidentIdNumber.TryParse(number, Today, out var id, out var error));

        Assert.Null(id);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00")]
    [InlineData("10")]
    [InlineData("99")]
    [InlineData("84")]
    public void AnUnknownProvinceCodeIsRejectedEvenWithAValidCheckDigit(string province)
    {
        var number = WithCheckDigit(province + "0105" + "19491231" + "002");

        Assert.False(ResidentIdNumber.TryParse(number, Today, out var id, out var error));

        Assert.Null(id);
        Assert.Contains("province", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ComputeCheckCharacterAgreesWithTheIndependentAlgorithmOnRandomNumbers()
    {
        var random = new Random(11643);
        for (var n = 0; n < 2_000; n++)
        {
            var first17 = string.Concat(Enumerable.Range(0, 17).Select(_ => (char)('0' + random.Next(10))));

            Assert.Equal(WithCheckDigit(first17)[17], ResidentIdNumber.ComputeCheckCharacter(first17));
        }
    }
}
