using System.Net;
using Vouchers.Contracts;
using Vouchers.Http.Contracts;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>
/// Names, titles and addresses with control or format characters (a right-to-left override, a zero-width space, a bell)
/// are refused with a 400 naming the field, on every route that takes one, and nothing is stored.
/// </summary>
public sealed class TextHygieneTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private readonly HttpClient admin = gateway.ClientFor(Demo.AdminGuangdong);
    private readonly HttpClient ministry = gateway.ClientFor(Demo.AdminMinistry);
    private readonly HttpClient channel = gateway.ClientFor(Demo.ChannelNationalApp);
    private readonly HttpClient school = gateway.ClientFor(Demo.InstitutionSzSkillsSchool);

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var route in new[] { "claim name", "batch title", "batch funding source", "program name", "institution name", "institution address", "channel name", "session title" })
        {
            foreach (var bad in new[] { "\u202E", "\u200B", "\u0007" })
            {
                data.Add(route, bad);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task TextWithAControlOrFormatCharacterIsABadRequestNamingTheFieldAndNothingIsStored(string route, string bad)
    {
        var id = $"t-{Guid.NewGuid():N}"[..20];
        var text = "张三" + bad + "培训";
        var (response, field, stored) = route switch
        {
            "claim name" => (await channel.PostJsonAsync("/api/v1/channel/claims", VoucherApi.Claim(TestPerson.New(), Demo.BatchId) with { Name = text }), "name", (string?)null),
            "batch title" => (await admin.PostJsonAsync("/api/v1/admin/batches", VoucherApi.NewBatch() with { Title = text }), "title", null),
            "batch funding source" => (await admin.PostJsonAsync("/api/v1/admin/batches", VoucherApi.NewBatch() with { FundingSource = text }), "fundingSource", null),
            "program name" => (await admin.PostJsonAsync("/api/v1/admin/programs", new ProgramRequest(id, text, null, "44")), "name", $"/api/v1/admin/programs/{id}"),
            "institution name" => (await admin.PostJsonAsync("/api/v1/admin/institutions", new InstitutionRequest(id, text, "440304", "深圳市福田区", 22.5, 114.0, 300)), "name", $"/api/v1/admin/institutions/{id}"),
            "institution address" => (await admin.PostJsonAsync("/api/v1/admin/institutions", new InstitutionRequest(id, "学校", "440304", text, 22.5, 114.0, 300)), "address", $"/api/v1/admin/institutions/{id}"),
            "channel name" => (await ministry.PostJsonAsync("/api/v1/admin/channels", new ChannelRequest(id, text)), "name", $"/api/v1/admin/channels/{id}"),
            "session title" => (await school.PostJsonAsync("/api/v1/institution/class-sessions",
                new ClassSessionRequest(id, "class-" + id, null, text, DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow.AddDays(1).AddHours(2))), "title", null),
            _ => throw new ArgumentOutOfRangeException(nameof(route)),
        };

        var problem = await VoucherApi.ValidationProblemAsync(response, field);
        Assert.Contains($"U+{(int)bad[0]:X4}", problem.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.Ordinal);
        if (stored is not null)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await ministry.GetAsync(stored)).StatusCode);
        }
    }

    [Fact]
    public async Task ANameIsMeasuredInCharactersAReaderSeesAndMaskedToAFixedLength()
    {
        // 50 characters outside the basic plane: 100 UTF-16 units, within the 50-character limit.
        var longName = string.Concat(Enumerable.Repeat("𠀀", 50));
        var shortName = "王小";

        var longVoucher = await VoucherApi.ReadAsync<VoucherView>(
            await channel.PostJsonAsync("/api/v1/channel/claims", VoucherApi.Claim(TestPerson.New(), Demo.BatchId) with { Name = longName }));
        var shortVoucher = await VoucherApi.ReadAsync<VoucherView>(
            await channel.PostJsonAsync("/api/v1/channel/claims", VoucherApi.Claim(TestPerson.New(), Demo.BatchId) with { Name = shortName }));
        var tooLong = await channel.PostJsonAsync("/api/v1/channel/claims", VoucherApi.Claim(TestPerson.New(), Demo.BatchId) with { Name = longName + "𠀀" });

        Assert.Equal(("𠀀**", "王**"), (longVoucher.HolderName, shortVoucher.HolderName));
        await VoucherApi.ValidationProblemAsync(tooLong, "name");
    }
}
