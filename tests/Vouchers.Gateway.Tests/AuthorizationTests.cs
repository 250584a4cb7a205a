using System.Net;
using System.Net.Http.Json;
using Vouchers.Contracts;
using Vouchers.Http.Contracts;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>Who may call what: the API key, the caller's role, and the region or institution it acts for.</summary>
public sealed class AuthorizationTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task RequestWithoutAKeyIsUnauthorizedWithAProblemAndAChallenge()
    {
        var response = await gateway.AnonymousClient().GetAsync("/api/v1/admin/batches");

        await VoucherApi.ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.ToString().Contains("X-Api-Key", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("admin-guangdong.not-the-secret")]
    [InlineData("admin-nobody.demo-admin-nobody")]
    [InlineData("admin-guangdong")]
    [InlineData(".demo-admin-guangdong")]
    [InlineData("admin-guangdong.")]
    [InlineData("ADMIN-GUANGDONG.demo-admin-guangdong")]
    public async Task KeyThatDoesNotMatchAPrincipalIsUnauthorized(string apiKey)
    {
        var response = await gateway.ClientWithKey(apiKey).GetAsync($"/api/v1/admin/batches/{Demo.BatchId}");

        var problem = await VoucherApi.ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.DoesNotContain(Demo.BatchId, problem.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongSecretIsUnauthorizedEvenRightAfterTheRightOne()
    {
        // The gateway caches principals by key id; the cache must not let a wrong secret through.
        var right = await gateway.ClientFor(Demo.AdminShenzhen).GetAsync("/api/v1/admin/batches");
        var wrong = await gateway.ClientWithKey("admin-shenzhen.demo-admin-guangdong").GetAsync("/api/v1/admin/batches");

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        await VoucherApi.ProblemAsync(wrong, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData(Demo.ChannelNationalApp, "GET", "/api/v1/admin/batches")]
    [InlineData(Demo.InstitutionSzSkillsSchool, "GET", "/api/v1/admin/batches/" + Demo.BatchId)]
    [InlineData(Demo.InstitutionSzSkillsSchool, "GET", "/api/v1/channel/batches")]
    [InlineData(Demo.AdminMinistry, "GET", "/api/v1/channel/batches")]
    [InlineData(Demo.ChannelBankApp, "POST", "/api/v1/institution/verifications")]
    [InlineData(Demo.AdminGuangdong, "POST", "/api/v1/institution/verifications")]
    [InlineData(Demo.InstitutionSzSkillsSchool, "POST", "/api/v1/channel/check-ins")]
    [InlineData(Demo.ChannelNationalApp, "POST", "/api/v1/institution/class-sessions")]
    [InlineData(Demo.ChannelNationalApp, "GET", "/api/v1/institution/attendance?classId=some-class")]
    [InlineData(Demo.AdminGuangdong, "GET", "/api/v1/institution/class-sessions?classId=some-class")]
    public async Task KeyOfAnotherRoleIsForbidden(string keyId, string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new VerifyRequest(VoucherApi.UnknownCode()), options: VoucherApi.Json);
        }

        var response = await gateway.ClientFor(keyId).SendAsync(request);

        await VoucherApi.ProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task CityAdminCannotSeeOrSteerTheProvinceBatch()
    {
        var shenzhen = gateway.ClientFor(Demo.AdminShenzhen);

        var read = await shenzhen.GetAsync($"/api/v1/admin/batches/{Demo.BatchId}");
        var pause = await shenzhen.PostAsync($"/api/v1/admin/batches/{Demo.BatchId}/pause", null);
        var list = await shenzhen.GetFromJsonAsync<BatchSummary[]>("/api/v1/admin/batches", VoucherApi.Json);

        // Out of scope looks like absent, so batch ids do not leak across regions.
        await VoucherApi.ProblemAsync(read, HttpStatusCode.NotFound);
        await VoucherApi.ProblemAsync(pause, HttpStatusCode.NotFound);
        Assert.DoesNotContain(list!, b => b.Id == Demo.BatchId);
        var demo = await gateway.ClientFor(Demo.AdminGuangdong).GetBatchAsync(Demo.BatchId);
        Assert.Equal(BatchStatus.Active, demo.Status);
    }

    [Fact]
    public async Task CityAdminCannotCreateABatchInAnotherProvince()
    {
        var shenzhen = gateway.ClientFor(Demo.AdminShenzhen);
        var batch = VoucherApi.NewBatch() with { RegionCode = "11" };

        var response = await shenzhen.PostJsonAsync("/api/v1/admin/batches", batch);

        await VoucherApi.ValidationProblemAsync(response, "regionCode");
        var all = await gateway.ClientFor(Demo.AdminMinistry).GetFromJsonAsync<BatchSummary[]>("/api/v1/admin/batches", VoucherApi.Json);
        Assert.DoesNotContain(all!, b => b.Title == batch.Title);
    }

    [Fact]
    public async Task CityAdminCreatesABatchInItsOwnCityThatTheProvinceSeesToo()
    {
        var batch = VoucherApi.NewBatch() with { RegionCode = "4403" };

        var response = await gateway.ClientFor(Demo.AdminShenzhen).PostJsonAsync("/api/v1/admin/batches", batch);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await VoucherApi.ReadAsync<BatchSnapshot>(response);
        Assert.Equal("4403", created.Definition.RegionCode);
        Assert.Equal(BatchStatus.Draft, (await gateway.ClientFor(Demo.AdminGuangdong).GetBatchAsync(created.Id)).Status);
    }

    [Fact]
    public async Task RegionalAdminCannotRegisterAChannel()
    {
        var id = $"channel-{Guid.NewGuid():N}"[..30];

        var response = await gateway.ClientFor(Demo.AdminGuangdong).PostJsonAsync("/api/v1/admin/channels", new ChannelRequest(id, "Some app"));

        var problem = await VoucherApi.ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("urn:vouchers:problem:forbidden", problem.GetProperty("type").GetString());
        var lookup = await gateway.ClientFor(Demo.AdminMinistry).GetAsync($"/api/v1/admin/channels/{id}");
        await VoucherApi.ProblemAsync(lookup, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task InstitutionCannotReadAnotherInstitutionsSubsidyApplication()
    {
        var owner = gateway.ClientFor(Demo.InstitutionSzSkillsSchool);
        var submitted = await owner.PostJsonAsync("/api/v1/institution/subsidy-applications",
            new SubsidyApplicationRequest(Demo.BatchId, [VoucherApi.UnknownCode()]));
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var application = await VoucherApi.ReadAsync<SubsidyApplicationView>(submitted);

        var byOther = await gateway.ClientFor(Demo.InstitutionGzTechCollege).GetAsync($"/api/v1/institution/subsidy-applications/{application.Id}");
        var byOwner = await owner.GetAsync($"/api/v1/institution/subsidy-applications/{application.Id}");

        var problem = await VoucherApi.ProblemAsync(byOther, HttpStatusCode.NotFound);
        Assert.DoesNotContain(Demo.SzSkillsSchool, problem.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, byOwner.StatusCode);
        var seen = await VoucherApi.ReadAsync<SubsidyApplicationView>(byOwner);
        Assert.Equal(Demo.SzSkillsSchool, seen.InstitutionId);
        Assert.Equal(SubsidyLineStatus.Refused, Assert.Single(seen.Lines).Status);
    }

    [Fact]
    public async Task CityAdminCannotReviewAnApplicationOfTheProvinceBatch()
    {
        var submitted = await gateway.ClientFor(Demo.InstitutionGzTechCollege).PostJsonAsync("/api/v1/institution/subsidy-applications",
            new SubsidyApplicationRequest(Demo.BatchId, [VoucherApi.UnknownCode()]));
        var application = await VoucherApi.ReadAsync<SubsidyApplicationView>(submitted);

        var read = await gateway.ClientFor(Demo.AdminShenzhen).GetAsync($"/api/v1/admin/subsidy-applications/{application.Id}");
        var disburse = await gateway.ClientFor(Demo.AdminShenzhen).PostAsync($"/api/v1/admin/subsidy-applications/{application.Id}/disburse", null);

        await VoucherApi.ProblemAsync(read, HttpStatusCode.NotFound);
        await VoucherApi.ProblemAsync(disburse, HttpStatusCode.NotFound);
        var byProvince = await gateway.ClientFor(Demo.AdminGuangdong).GetFromJsonAsync<SubsidyApplicationView>(
            $"/api/v1/admin/subsidy-applications/{application.Id}", VoucherApi.Json);
        Assert.Equal(SubsidyApplicationStatus.Submitted, byProvince!.Status);
    }

    [Fact]
    public async Task IssuedInstitutionKeyActsForItsInstitutionAndNothingElse()
    {
        var issued = await gateway.ClientFor(Demo.AdminGuangdong).PostJsonAsync("/api/v1/admin/api-keys",
            new ApiKeyRequest("institution", Demo.SzSkillsSchool, "Front desk scanner"));
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var key = await VoucherApi.ReadAsync<ApiKeyResponse>(issued);
        var scanner = gateway.ClientWithKey(key.ApiKey!);

        var verdict = await scanner.VerifyAsync(VoucherApi.UnknownCode());
        var adminRoute = await scanner.GetAsync("/api/v1/admin/batches");
        var wrongSecret = await gateway.ClientWithKey(key.KeyId + ".guessed").PostJsonAsync("/api/v1/institution/verifications", new VerifyRequest(VoucherApi.UnknownCode()));

        Assert.Equal(VerifyVerdict.Unknown, verdict.Verdict);
        await VoucherApi.ProblemAsync(adminRoute, HttpStatusCode.Forbidden);
        await VoucherApi.ProblemAsync(wrongSecret, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task CityAdminCannotIssueAKeyForTheProvinceOrAChannel()
    {
        var shenzhen = gateway.ClientFor(Demo.AdminShenzhen);

        var provinceAdmin = await shenzhen.PostJsonAsync("/api/v1/admin/api-keys", new ApiKeyRequest("admin", "44", "Province desk"));
        var channelKey = await shenzhen.PostJsonAsync("/api/v1/admin/api-keys", new ApiKeyRequest("channel", Demo.NationalApp, "App"));
        var otherCityInstitution = await shenzhen.PostJsonAsync("/api/v1/admin/api-keys", new ApiKeyRequest("institution", Demo.GzTechCollege, "Guangzhou desk"));

        await VoucherApi.ProblemAsync(provinceAdmin, HttpStatusCode.Forbidden);
        await VoucherApi.ProblemAsync(channelKey, HttpStatusCode.Forbidden);
        await VoucherApi.ProblemAsync(otherCityInstitution, HttpStatusCode.Forbidden);
    }
}
