using System.Net;
using System.Text.Json;
using Vouchers.Contracts;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>A voucher used at one institution shows another institution its verdict only: no holder, no dates.</summary>
public sealed class OtherInstitutionsVoucherTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private static readonly string[] VerdictOnly = ["code", "valid", "verdict", "voucher"];

    [Fact]
    public async Task VerifyingAnotherInstitutionsUsedVoucherAnswersTheVerdictOnly()
    {
        var (voucher, other) = await UsedAtTheSzSchoolAsync();

        var response = await other.PostJsonAsync("/api/v1/institution/verifications", new { code = voucher.Code });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        var json = JsonDocument.Parse(body).RootElement;
        Assert.All(json.EnumerateObject(), p => Assert.Contains(p.Name, VerdictOnly));
        Assert.Equal(JsonValueKind.Null, json.TryGetProperty("voucher", out var v) ? v.ValueKind : JsonValueKind.Null);
        Assert.Equal(("alreadyUsed", false, voucher.Code), (json.GetProperty("verdict").GetString(), json.GetProperty("valid").GetBoolean(), json.GetProperty("code").GetString()));
        Assert.DoesNotContain(voucher.HolderName, body, StringComparison.Ordinal);
        Assert.DoesNotContain(voucher.HolderIdNumber, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsingAnotherInstitutionsUsedVoucherIsRefusedWithoutItsDetails()
    {
        var (voucher, other) = await UsedAtTheSzSchoolAsync();

        var response = await other.PostAsync($"/api/v1/institution/vouchers/{voucher.Code}/use", null);

        var problem = await VoucherApi.ProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("alreadyUsed", problem.GetProperty("verdict").GetString());
        Assert.Equal(JsonValueKind.Null, problem.TryGetProperty("voucher", out var v) ? v.ValueKind : JsonValueKind.Null);
        Assert.DoesNotContain(voucher.HolderName, problem.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheInstitutionWhereItWasUsedStillSeesItWhole()
    {
        var (voucher, _) = await UsedAtTheSzSchoolAsync();

        var answer = await gateway.ClientFor(Demo.InstitutionSzSkillsSchool).VerifyAsync(voucher.Code);

        Assert.Equal((VerifyVerdict.AlreadyUsed, voucher.HolderName), (answer.Verdict, answer.Voucher?.HolderName));
    }

    private async Task<(VoucherView Voucher, HttpClient Other)> UsedAtTheSzSchoolAsync()
    {
        var batch = await gateway.ClientFor(Demo.AdminGuangdong).CreateActiveBatchAsync(VoucherApi.NewBatch() with { EligibleInstitutionIds = [] });
        var voucher = await gateway.ClientFor(Demo.ChannelNationalApp).ClaimAsync(TestPerson.New(), batch.Id);
        await gateway.ClientFor(Demo.InstitutionSzSkillsSchool).UseAsync(voucher.Code);
        return (voucher, gateway.ClientFor(Demo.InstitutionGzTechCollege));
    }
}
