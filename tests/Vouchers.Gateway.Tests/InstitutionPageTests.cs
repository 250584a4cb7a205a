using System.Net;
using System.Text.RegularExpressions;
using Vouchers.Http.Contracts;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>
/// The pages (the verification page, the HR dashboard) are public, self-contained and locked down; the key check the
/// verification page signs in with is cheap.
/// </summary>
public sealed partial class InstitutionPageTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private readonly HttpClient anonymous = gateway.AnonymousClient();

    [Theory]
    [InlineData("/institution", "/institution/app.js")]
    [InlineData("/institution/", "/institution/app.js")]
    [InlineData("/institution/index.html", "/institution/app.js")]
    [InlineData("/hr", "/hr/app.js")]
    [InlineData("/hr/", "/hr/app.js")]
    [InlineData("/hr/index.html", "/hr/app.js")]
    public async Task PageIsServedWithoutAKeyUnderAStrictContentSecurityPolicy(string path, string script)
    {
        var response = await anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        AssertLockedDown(response);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"zh-CN\">", html, StringComparison.Ordinal);
        Assert.Contains($"<script src=\"{script}\" defer></script>", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(InlineScript(), html);
        Assert.DoesNotMatch(ExternalReference(), html);
    }

    [Theory]
    [InlineData("/institution/app.js", "text/javascript")]
    [InlineData("/institution/app.css", "text/css")]
    [InlineData("/hr/app.js", "text/javascript")]
    [InlineData("/hr/app.css", "text/css")]
    public async Task PageFilesComeFromTheGatewayItselfWithTheSameHeaders(string path, string mediaType)
    {
        var response = await anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        AssertLockedDown(response);
        Assert.DoesNotMatch(ExternalReference(), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PageIsNotPartOfTheApiDocument()
    {
        var document = await anonymous.GetStringAsync("/openapi/v1.json");

        Assert.DoesNotContain("\"/institution\"", document, StringComparison.Ordinal);
        Assert.DoesNotContain("\"/hr\"", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstitutionKeyLearnsWhichInstitutionItActsFor()
    {
        var response = await gateway.ClientFor(Demo.InstitutionSzSkillsSchool).GetAsync("/api/v1/institution/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var me = await VoucherApi.ReadAsync<InstitutionIdentity>(response);
        Assert.Equal(new InstitutionIdentity(Demo.SzSkillsSchool, "深圳市职业技能训练学校", Demo.InstitutionSzSkillsSchool), me);
    }

    [Fact]
    public async Task OwnInstitutionNeedsAnInstitutionKey()
    {
        await VoucherApi.ProblemAsync(await anonymous.GetAsync("/api/v1/institution/me"), HttpStatusCode.Unauthorized);
        await VoucherApi.ProblemAsync(await gateway.ClientWithKey(Demo.InstitutionSzSkillsSchool + ".wrong").GetAsync("/api/v1/institution/me"), HttpStatusCode.Unauthorized);
        await VoucherApi.ProblemAsync(await gateway.ClientFor(Demo.ChannelNationalApp).GetAsync("/api/v1/institution/me"), HttpStatusCode.Forbidden);
    }

    private static void AssertLockedDown(HttpResponseMessage response)
    {
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    /// <summary>A script element with code in it instead of a src attribute.</summary>
    [GeneratedRegex("<script(?![^>]*\\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    /// <summary>Anything the browser would fetch from another origin: a CDN script, a web font, a remote style.</summary>
    [GeneratedRegex("(src|href)\\s*=\\s*[\"']?(https?:)?//|url\\(\\s*[\"']?(https?:)?//|@import|fonts\\.googleapis", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();
}
