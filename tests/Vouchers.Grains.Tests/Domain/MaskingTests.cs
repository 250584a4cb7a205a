using Vouchers.Domain;

namespace Vouchers.Grains.Tests.Domain;

public sealed class MaskingTests
{
    [Fact]
    public void CodesAndIdNumbersInFreeTextAreMaskedWhereverTheyStand()
    {
        var code = VoucherCode.New();
        const string id = "44030419900101123X";
        var text = $"POST /api/v1/institution/vouchers/{code}/use grain voucher/{code.ToLowerInvariant()} id={id}.";

        var masked = Masking.MaskSecretsInText(text);

        Assert.Equal($"POST /api/v1/institution/vouchers/{Masking.MaskCode(code)}/use grain voucher/{Masking.MaskCode(code)} id=4403**********123X.", masked);
    }

    [Theory]
    [InlineData("Batch b-7f3a9c2e41d0 created in region '44' with quantity 1000")]
    [InlineData("person 3f2a9c0e7b1d4a6f8e2c9b0a1d3e5f7a9c1b2d4e6f8a0b1c2d3e4f5a6b7c8d9e")]
    [InlineData("trace 0af7651916cd43dd8448eb211c80319c span b7ad6b7169203331")]
    [InlineData("1234567890123456 and 1234567890123456789 are no ID numbers")]
    [InlineData("")]
    public void TextWithoutCodesOrIdNumbersIsReturnedAsIs(string text)
    {
        Assert.Same(text, Masking.MaskSecretsInText(text));
    }
}
