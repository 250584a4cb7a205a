using Vouchers.Gateway.Regions;

namespace Vouchers.Gateway.Tests;

public sealed class DivisionNamesTests
{
    [Theory]
    [InlineData("44", "广东省")]
    [InlineData("4403", "深圳市")]
    [InlineData("440304", "福田区")]
    [InlineData("1101", "北京市")] // a municipality's "市辖区" is named by the municipality
    [InlineData("110105", "朝阳区")]
    [InlineData("4190", "省直辖县级行政区划")]
    public void KnownDivisionsAreNamed(string code, string name) => Assert.Equal(name, DivisionNames.Of(code));

    [Theory]
    [InlineData("")]
    [InlineData("81")]
    [InlineData("4499")]
    [InlineData("440399")]
    [InlineData("not-a-code")]
    public void UnknownCodesHaveNoName(string code) => Assert.Null(DivisionNames.Of(code));
}
