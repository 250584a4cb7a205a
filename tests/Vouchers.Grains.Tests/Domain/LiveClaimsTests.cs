using Vouchers.Domain;
using Vouchers.Grains.Stock;

namespace Vouchers.Grains.Tests.Domain;

public sealed class LiveClaimsTests
{
    private static readonly DateTimeOffset Expiry = new DateTimeOffset(2027, 6, 30, 23, 59, 59, 123, TimeSpan.FromHours(8)).AddTicks(4567);
    private static readonly DateTimeOffset Claimed = new DateTimeOffset(2027, 4, 1, 9, 0, 0, 5, TimeSpan.Zero).AddTicks(89);
    private static readonly IssueTerms Terms = new("electrician-basic", 1500.50m, "张**", "channel-1");

    [Fact]
    public void AClaimIsFoundByItsPersonWithItsCodeExpiryAndRequest()
    {
        var live = new LiveClaims();
        var code = VoucherCode.New();
        live.Add("person-a", code, "channel-1", "request-1", Terms, Claimed, Expiry);

        Assert.Equal(1, live.Count);
        Assert.True(live.TryGet("person-a", out var claim));
        Assert.Equal(code, claim.Code);
        Assert.Equal((Claimed, Expiry, Terms), (claim.ClaimedAt, claim.ExpiresAt, claim.Issue));
        Assert.True(claim.IsFrom("channel-1", "request-1"));
        Assert.False(claim.IsFrom("channel-1", "request-2"));
        Assert.False(claim.IsFrom("channel-2", "request-1"));
        Assert.False(live.TryGet("person-b", out _));
    }

    [Fact]
    public void ChannelAndRequestDoNotRunIntoEachOther()
    {
        var live = new LiveClaims();
        live.Add("person-a", VoucherCode.New(), "ab", "c", Terms, Claimed, Expiry);

        Assert.True(live.TryGet("person-a", out var claim));
        Assert.True(claim.IsFrom("ab", "c"));
        Assert.False(claim.IsFrom("a", "bc"));
        Assert.False(claim.IsFrom("abc", ""));
    }

    [Fact]
    public void ALongRequestIdIsTold()
    {
        var live = new LiveClaims();
        var request = new string('r', 1_000);
        live.Add("person-a", VoucherCode.New(), "channel-1", request, Terms, Claimed, Expiry);

        Assert.True(live.TryGet("person-a", out var claim));
        Assert.True(claim.IsFrom("channel-1", request));
        Assert.False(claim.IsFrom("channel-1", request[..^1] + "s"));
    }

    [Fact]
    public void OnlyThePersonsOwnCodeIsRemoved()
    {
        var live = new LiveClaims();
        var code = VoucherCode.New();
        live.Add("person-a", code, "channel-1", "request-1", Terms, Claimed, Expiry);

        Assert.False(live.TryRemove("person-a", VoucherCode.New(), out _));
        Assert.False(live.TryRemove("person-b", code, out _));
        Assert.Equal(1, live.Count);

        Assert.True(live.TryRemove("person-a", code, out var expiresAt));
        Assert.Equal(Expiry, expiresAt);
        Assert.Equal(0, live.Count);
        Assert.False(live.TryGet("person-a", out _));
    }

    [Fact]
    public void ACodeThatDoesNotPackIsKeptAsItIs()
    {
        var live = new LiveClaims();
        live.Add("person-a", "legacy-code-1", "channel-1", "request-1", Terms, Claimed, Expiry);
        live.Add("person-b", VoucherCode.New(), "channel-1", "request-2", Terms, Claimed, Expiry);

        Assert.True(live.TryGet("person-a", out var claim));
        Assert.Equal("legacy-code-1", claim.Code);
        Assert.True(live.TryRemove("person-a", "legacy-code-1", out _));
        Assert.False(live.TryGet("person-a", out _));
        Assert.Equal(1, live.Count);
    }

    [Fact]
    public void ALaterClaimOfThePersonReplacesTheEarlierOne()
    {
        var live = new LiveClaims();
        var code = VoucherCode.New();
        live.Add("person-a", "legacy-code-1", "channel-1", "request-1", Terms, Claimed, Expiry);
        live.Add("person-a", code, "channel-1", "request-2", Terms, Claimed, Expiry.AddDays(1));

        Assert.Equal(1, live.Count);
        Assert.True(live.TryGet("person-a", out var claim));
        Assert.Equal(code, claim.Code);
        Assert.True(claim.IsFrom("channel-1", "request-2"));
        Assert.Equal(Expiry.AddDays(1), claim.ExpiresAt);
    }

    [Fact]
    public void ManyPeopleEachKeepTheirOwnClaim()
    {
        var live = new LiveClaims();
        live.EnsureCapacity(10_000);
        var codes = Enumerable.Range(0, 10_000).Select(_ => VoucherCode.New()).ToArray();
        for (var i = 0; i < codes.Length; i++)
        {
            live.Add($"person-{i}", codes[i], "channel-1", $"request-{i}", Terms, Claimed, Expiry.AddSeconds(i));
        }

        Assert.Equal(codes.Length, live.Count);
        for (var i = 0; i < codes.Length; i++)
        {
            Assert.True(live.TryGet($"person-{i}", out var claim));
            Assert.Equal(codes[i], claim.Code);
            Assert.Equal(Expiry.AddSeconds(i), claim.ExpiresAt);
            Assert.True(claim.IsFrom("channel-1", $"request-{i}"));
        }
    }

    [Fact]
    public void IssueTermsAreKeptOncePerDistinctValueHoweverManyClaimsShareThem()
    {
        var live = new LiveClaims();
        string[] names = ["张**", "李**", "王**"];
        for (var i = 0; i < 30_000; i++)
        {
            live.Add($"person-{i}", VoucherCode.New(), $"channel-{i % 2}", $"request-{i}",
                new IssueTerms("electrician-basic", 1500m, names[i % 3], $"channel-{i % 2}"), Claimed.AddSeconds(i), Expiry);
        }

        Assert.Equal(6, live.TermsCount);
        Assert.True(live.TryGet("person-29999", out var claim));
        Assert.Equal((new IssueTerms("electrician-basic", 1500m, "王**", "channel-1"), Claimed.AddSeconds(29_999)), (claim.Issue, claim.ClaimedAt));
    }
}
