using System.Net;
using System.Net.Http.Json;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Http.Contracts;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>A gateway that lets an institution fail 5 lookups per minute.</summary>
public sealed class FiveFailedLookupsGatewayFactory : GatewayFactory
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Verification:MaxFailedLookups"] = "5",
        ["Verification:FailedLookupWindow"] = "00:01:00",
    };
}

/// <summary>Guessing codes is throttled per institution: too many failed lookups answer 429 with Retry-After.</summary>
public sealed class FailedLookupGuardTests(FiveFailedLookupsGatewayFactory gateway) : IClassFixture<FiveFailedLookupsGatewayFactory>
{
    [Fact]
    public async Task AnInstitutionThatLooksUpTooManyCodesNamingNoVoucherIsRefusedWith429WhileOthersAreNot()
    {
        var admin = gateway.ClientFor(Demo.AdminGuangdong);
        var channel = gateway.ClientFor(Demo.ChannelNationalApp);
        var guesser = gateway.ClientFor(Demo.InstitutionSzSkillsSchool);
        var other = gateway.ClientFor(Demo.InstitutionGzTechCollege);
        var batch = await admin.CreateActiveBatchAsync(VoucherApi.NewBatch() with { EligibleInstitutionIds = [] });
        var voucher = await channel.ClaimAsync(TestPerson.New(), batch.Id);

        // A valid lookup never counts; five failures (never-issued and mistyped codes) are within the limit.
        Assert.Equal(VerifyVerdict.Valid, (await guesser.VerifyAsync(voucher.Code)).Verdict);
        for (var i = 0; i < 5; i++)
        {
            var guess = i % 2 == 0 ? VoucherCode.New() : voucher.Code[..^1] + (voucher.Code[^1] == '0' ? '1' : '0');
            var answer = await guesser.VerifyAsync(guess);
            Assert.False(answer.Valid);
        }

        // The sixth failure is still answered, and from then on the institution is refused, valid codes included.
        Assert.Equal(VerifyVerdict.Unknown, (await guesser.VerifyAsync(VoucherCode.New())).Verdict);
        var refused = await guesser.PostAsJsonAsync("/api/v1/institution/verifications", new VerifyRequest(voucher.Code));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        var problem = await VoucherApi.ProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.Equal("urn:vouchers:problem:too-many-failed-lookups", problem.GetProperty("type").GetString());

        // Another institution is not affected.
        Assert.Equal(VerifyVerdict.Valid, (await other.VerifyAsync(voucher.Code)).Verdict);
    }

    public static TheoryData<string> FailingLookups => new() { "use", "attendance", "malformed use", "malformed attendance" };

    [Theory]
    [MemberData(nameof(FailingLookups))]
    public async Task UseAndAttendanceLookupsOfCodesNamingNoVoucherCountAndABlockedInstitutionGets429OnEveryCodeRoute(string lookup)
    {
        var guesser = await Institutions.NewAsync(gateway);
        var channel = gateway.ClientFor(Demo.ChannelNationalApp);
        var batch = await gateway.ClientFor(Demo.AdminGuangdong).CreateActiveBatchAsync(VoucherApi.NewBatch() with { EligibleInstitutionIds = [] });
        var voucher = await channel.ClaimAsync(TestPerson.New(), batch.Id);

        // Six failures through this one route: the sixth is still answered (404, or 400 for a malformed code).
        for (var i = 0; i < 6; i++)
        {
            var failed = await LookUpAsync(guesser.Client, lookup, lookup.StartsWith("malformed", StringComparison.Ordinal) ? "NOT-A-CODE" : VoucherCode.New());
            Assert.Contains(failed.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.BadRequest });
        }

        // Blocked now on every route that takes a code, a real one included; nothing was used.
        foreach (var refused in new[]
        {
            await guesser.Client.PostJsonAsync("/api/v1/institution/verifications", new VerifyRequest(voucher.Code)),
            await LookUpAsync(guesser.Client, "use", voucher.Code),
            await LookUpAsync(guesser.Client, "attendance", voucher.Code),
        })
        {
            var problem = await VoucherApi.ProblemAsync(refused, HttpStatusCode.TooManyRequests);
            Assert.Equal("urn:vouchers:problem:too-many-failed-lookups", problem.GetProperty("type").GetString());
            Assert.InRange(refused.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        }

        Assert.Equal(VoucherStatus.Claimed, (await gateway.ClientFor(Demo.InstitutionGzTechCollege).VerifyAsync(voucher.Code)).Voucher!.Status);
    }

    [Fact]
    public async Task UsingAndReadingTheAttendanceOfRealVouchersNeverCounts()
    {
        var school = await Institutions.NewAsync(gateway);
        var channel = gateway.ClientFor(Demo.ChannelNationalApp);
        var batch = await gateway.ClientFor(Demo.AdminGuangdong).CreateActiveBatchAsync(VoucherApi.NewBatch() with { EligibleInstitutionIds = [] });

        for (var i = 0; i < 7; i++)
        {
            var voucher = await channel.ClaimAsync(TestPerson.New(), batch.Id);
            Assert.Equal(HttpStatusCode.OK, (await LookUpAsync(school.Client, "use", voucher.Code)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await LookUpAsync(school.Client, "attendance", voucher.Code)).StatusCode);
        }
    }

    private static Task<HttpResponseMessage> LookUpAsync(HttpClient institution, string lookup, string code) =>
        lookup.EndsWith("use", StringComparison.Ordinal)
            ? institution.PostAsync($"/api/v1/institution/vouchers/{Uri.EscapeDataString(code)}/use", null)
            : institution.GetAsync($"/api/v1/institution/vouchers/{Uri.EscapeDataString(code)}/attendance");
}
