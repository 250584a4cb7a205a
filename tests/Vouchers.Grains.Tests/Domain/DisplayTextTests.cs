using Vouchers.Domain;

namespace Vouchers.Grains.Tests.Domain;

public sealed class DisplayTextTests
{
    [Theory]
    [InlineData("张三\u202E", "U+202E")]
    [InlineData("Zhang\u200BSan", "U+200B")]
    [InlineData("张\u0007三", "U+0007")]
    [InlineData("张\u2028三", "U+2028")]
    [InlineData("\uFEFF张三", "U+FEFF")]
    public void ControlFormatSeparatorAndLoneSurrogateCharactersAreRefusedByCodePoint(string text, string named)
    {
        Assert.Null(DisplayText.Check(text, 50, out var error));
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Fact]
    public void LoneSurrogatesAreRefused()
    {
        // Built at run time: an attribute's string cannot carry a lone surrogate (metadata is UTF-8).
        foreach (var (text, named) in new[] { ("张" + (char)0xD800 + "三", "U+D800"), ("张三" + (char)0xDC00, "U+DC00"), ((char)0xDBFF + "张", "U+DBFF") })
        {
            Assert.Null(DisplayText.Check(text, 50, out var error));
            Assert.Contains(named, error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("欧阳娜娜")]
    [InlineData("O'Brien-Nuñez")]
    [InlineData("Zoë Saldaña")]
    [InlineData("阿依古丽·买买提")]
    [InlineData("👩🏽 Chen")]
    public void OrdinaryNamesPassTrimmed(string name)
    {
        Assert.Equal(name, DisplayText.Check("  " + name + " ", 50, out var error));
        Assert.Null(error);
    }

    [Fact]
    public void LengthIsCountedInTextElementsNotUtf16Units()
    {
        // 10 characters a reader sees, 20 UTF-16 units (each is a surrogate pair) and 10 combining sequences.
        var supplementary = string.Concat(Enumerable.Repeat("𠀀", 10));
        var combining = string.Concat(Enumerable.Repeat("e\u0301", 10));

        Assert.Equal(20, supplementary.Length);
        Assert.Equal(supplementary, DisplayText.Check(supplementary, 10, out _));
        Assert.Equal(combining, DisplayText.Check(combining, 10, out _));
        Assert.Null(DisplayText.Check(supplementary + "𠀀", 10, out var error));
        Assert.Contains("at most 10", error, StringComparison.Ordinal);
    }

    [Fact]
    public void BlankTextIsRequiredUnlessOptional()
    {
        Assert.Null(DisplayText.Check("  ", 10, out var required));
        Assert.NotNull(required);
        Assert.Null(DisplayText.Check(null, 10, out var optional, required: false));
        Assert.Null(optional);
    }

    [Theory]
    [InlineData("张三", "张**")]
    [InlineData("欧阳娜娜", "欧**")]
    [InlineData("Alexandria Ocasio", "A**")]
    [InlineData("王", "***")]
    [InlineData("𠀀𠀁", "𠀀**")]
    public void AMaskedNameHasAFixedLengthWhateverTheName(string name, string masked)
    {
        Assert.Equal(masked, Masking.MaskName(name));
    }
}
