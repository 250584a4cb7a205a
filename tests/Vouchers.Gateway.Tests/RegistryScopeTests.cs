using System.Net;
using Vouchers.Contracts;
using Vouchers.Http.Contracts;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>
/// Admins read the registries of their own region (and the programs of the regions that hold it), as they read
/// batches: another region's program or institution is a 404, also when a batch names it. Channels are national.
/// </summary>
public sealed class RegistryScopeTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private readonly HttpClient ministry = gateway.ClientFor(Demo.AdminMinistry);
    private readonly HttpClient guangdong = gateway.ClientFor(Demo.AdminGuangdong);
    private readonly HttpClient shenzhen = gateway.ClientFor(Demo.AdminShenzhen);

    [Fact]
    public async Task AnotherProvincesProgramAndInstitutionAreNotFoundForAProvinceAdminButFoundForTheMinistry()
    {
        var id = $"zj-{Guid.NewGuid():N}"[..20];
        Assert.Equal(HttpStatusCode.Created, (await ministry.PostJsonAsync("/api/v1/admin/programs", new ProgramRequest(id, "浙江 program", null, "33"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await ministry.PostJsonAsync("/api/v1/admin/institutions",
            new InstitutionRequest(id, "杭州 school", "330106", "杭州市西湖区", 30.27, 120.15, 300))).StatusCode);

        await VoucherApi.ProblemAsync(await guangdong.GetAsync($"/api/v1/admin/programs/{id}"), HttpStatusCode.NotFound);
        await VoucherApi.ProblemAsync(await guangdong.GetAsync($"/api/v1/admin/institutions/{id}"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await ministry.GetAsync($"/api/v1/admin/programs/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ministry.GetAsync($"/api/v1/admin/institutions/{id}")).StatusCode);
    }

    [Fact]
    public async Task ACityAdminSeesItsProvincesProgramsAndItsOwnInstitutionsButNotAnotherCitys()
    {
        Assert.Equal(HttpStatusCode.OK, (await shenzhen.GetAsync($"/api/v1/admin/programs/{Demo.ProgramId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await shenzhen.GetAsync($"/api/v1/admin/institutions/{Demo.SzSkillsSchool}")).StatusCode);
        await VoucherApi.ProblemAsync(await shenzhen.GetAsync($"/api/v1/admin/institutions/{Demo.GzTechCollege}"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await guangdong.GetAsync($"/api/v1/admin/institutions/{Demo.GzTechCollege}")).StatusCode);
    }

    [Fact]
    public async Task ABatchNamingAnInstitutionTheAdminCannotSeeIsRefusedAsIfItWereNotRegistered()
    {
        var batch = VoucherApi.NewBatch() with { RegionCode = "4403", Eligibility = new EligibilityRequest { MinAge = 16 }, EligibleInstitutionIds = [Demo.GzTechCollege] };

        await VoucherApi.ValidationProblemAsync(await shenzhen.PostJsonAsync("/api/v1/admin/batches", batch), "eligibleInstitutionIds");
    }

    [Fact]
    public async Task ChannelsAreNationalAndEveryAdminReadsThem()
    {
        foreach (var admin in new[] { ministry, guangdong, shenzhen })
        {
            var channel = await VoucherApi.ReadAsync<Channel>(await admin.GetAsync($"/api/v1/admin/channels/{Demo.NationalApp}"));
            Assert.Equal(Demo.NationalApp, channel.Id);
        }
    }
}
