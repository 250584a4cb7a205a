using System.Net;
using Vouchers.Contracts;
using Vouchers.Http.Contracts;
using Vouchers.Http.Persons;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>
/// Offline use (the institution enters the code at enrolment, optionally with course and class) and online use (the
/// person's channel deducts the voucher for an institution after checking the person).
/// </summary>
public sealed class UseModeTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private readonly HttpClient admin = gateway.ClientFor(Demo.AdminGuangdong);
    private readonly HttpClient channel = gateway.ClientFor(Demo.ChannelNationalApp);

    [Fact]
    public async Task AnOfflineUseWithCourseAndClassShowsThemOnTheVoucherInTheWalletAndInTheRecord()
    {
        var school = await Institutions.NewAsync(gateway);
        var person = TestPerson.New();
        var voucher = await ClaimAtAsync(person, school.Id);

        var used = await school.Client.PostJsonAsync($"/api/v1/institution/vouchers/{voucher.Code}/use", new UseRequest("electrician-101", "class-2026-03"));

        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        var view = await VoucherApi.ReadAsync<VoucherView>(used);
        Assert.Equal((VoucherStatus.Used, school.Id, "electrician-101", "class-2026-03", UseMode.Offline),
            (view.Status, view.InstitutionId, view.CourseId, view.ClassId, view.UseMode));
        var held = Assert.Single((await VoucherApi.ReadAsync<WalletResponse>(await channel.PostJsonAsync("/api/v1/channel/wallet", VoucherApi.Wallet(person)))).Vouchers);
        Assert.Equal(("electrician-101", "class-2026-03", UseMode.Offline), (held.CourseId, held.ClassId, held.UseMode));
        var record = Assert.Single(await school.Client.RecordsWhenAsync(1));
        Assert.Equal((RecordKind.Use, VerifyVerdict.Valid, UseMode.Offline, "electrician-101", "class-2026-03", school.KeyId),
            (record.Kind, record.Result, record.Mode, record.CourseId, record.ClassId, record.Clerk));
    }

    [Fact]
    public async Task AnOfflineUseWithoutABodyOrWithAnEmptyOneWorksAsBefore()
    {
        var school = await Institutions.NewAsync(gateway);
        var first = await ClaimAtAsync(TestPerson.New(), school.Id);
        var second = await ClaimAtAsync(TestPerson.New(), school.Id);

        var bare = await school.Client.PostAsync($"/api/v1/institution/vouchers/{first.Code}/use", null);
        var empty = await school.Client.PostRawAsync($"/api/v1/institution/vouchers/{second.Code}/use", "{}");

        foreach (var response in new[] { bare, empty })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var view = await VoucherApi.ReadAsync<VoucherView>(response);
            Assert.Equal((VoucherStatus.Used, school.Id, null, null, UseMode.Offline), (view.Status, view.InstitutionId, view.CourseId, view.ClassId, view.UseMode));
        }
    }

    [Theory]
    [InlineData("""{"courseId": "Electrician 101"}""", "courseId")]
    [InlineData("""{"classId": "x"}""", "classId")]
    [InlineData("""{"courseId": 7}""", "courseId")]
    [InlineData("""[]""", "body")]
    public async Task AnOfflineUseWithABadCourseOrClassIsRefusedNamingTheFieldAndUsesNothing(string body, string field)
    {
        var school = await Institutions.NewAsync(gateway);
        var voucher = await ClaimAtAsync(TestPerson.New(), school.Id);

        await VoucherApi.ValidationProblemAsync(await school.Client.PostRawAsync($"/api/v1/institution/vouchers/{voucher.Code}/use", body), field);

        Assert.Equal(VerifyVerdict.Valid, (await school.Client.VerifyAsync(voucher.Code)).Verdict);
    }

    [Fact]
    public async Task AnOnlineUseThroughTheChannelBindsThePersonsVoucherAndLandsInTheInstitutionsRecordsWithTheChannelAsClerk()
    {
        var school = await Institutions.NewAsync(gateway);
        var person = TestPerson.New();
        var voucher = await ClaimAtAsync(person, school.Id);

        var used = await channel.PostJsonAsync($"/api/v1/channel/vouchers/{voucher.Code}/use",
            new OnlineUseRequest(person.IdNumber, VoucherApi.FreshAttestation(), school.Id, "welding-online", "evening-class"));

        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        var body = await used.Content.ReadAsStringAsync();
        Assert.DoesNotContain(person.IdNumber, body, StringComparison.OrdinalIgnoreCase);
        var view = await VoucherApi.ReadAsync<VoucherView>(used);
        Assert.Equal((VoucherStatus.Used, school.Id, UseMode.Online, "welding-online", "evening-class"),
            (view.Status, view.InstitutionId, view.UseMode, view.CourseId, view.ClassId));
        Assert.Equal(VerifyVerdict.AlreadyUsed, (await school.Client.VerifyAsync(voucher.Code)).Verdict);
        var records = await school.Client.RecordsWhenAsync(2); // the use, and the verification after it
        Assert.Equal([RecordKind.Verify, RecordKind.Use], records.Select(r => r.Kind));
        var record = records[1];
        Assert.Equal((VerifyVerdict.Valid, UseMode.Online, Demo.NationalApp, "welding-online", Institutions.Masked(voucher.Code)),
            (record.Result, record.Mode, record.Clerk, record.CourseId, record.Code));
    }

    [Fact]
    public async Task AnOnlineUseOfAVoucherThePersonDoesNotHoldIsNotFoundAndChangesNothing()
    {
        var school = await Institutions.NewAsync(gateway);
        var holder = TestPerson.New();
        var voucher = await ClaimAtAsync(holder, school.Id);

        var response = await channel.PostJsonAsync($"/api/v1/channel/vouchers/{voucher.Code}/use",
            new OnlineUseRequest(TestPerson.New().IdNumber, VoucherApi.FreshAttestation(), school.Id));
        var unknown = await channel.PostJsonAsync($"/api/v1/channel/vouchers/{VoucherApi.UnknownCode()}/use",
            new OnlineUseRequest(holder.IdNumber, VoucherApi.FreshAttestation(), school.Id));

        var problem = await VoucherApi.ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("urn:vouchers:problem:not-found", problem.GetProperty("type").GetString());
        await VoucherApi.ProblemAsync(unknown, HttpStatusCode.NotFound);
        Assert.Equal(VerifyVerdict.Valid, (await school.Client.VerifyAsync(voucher.Code)).Verdict);
        // The verification's record arrives after anything the refused uses could have recorded: there is none.
        Assert.Equal([RecordKind.Verify], (await school.Client.RecordsWhenAsync(1)).Select(r => r.Kind));
    }

    [Fact]
    public async Task AnOnlineUseNamingAnUnknownInstitutionIsRefusedNamingTheInstitution()
    {
        var school = await Institutions.NewAsync(gateway);
        var person = TestPerson.New();
        var voucher = await ClaimAtAsync(person, school.Id);

        var unknown = await channel.PostJsonAsync($"/api/v1/channel/vouchers/{voucher.Code}/use",
            new OnlineUseRequest(person.IdNumber, VoucherApi.FreshAttestation(), "no-such-institution"));
        var malformed = await channel.PostJsonAsync($"/api/v1/channel/vouchers/{voucher.Code}/use",
            new OnlineUseRequest(person.IdNumber, VoucherApi.FreshAttestation(), "No Such Institution"));

        await VoucherApi.ValidationProblemAsync(unknown, "institutionId");
        await VoucherApi.ValidationProblemAsync(malformed, "institutionId");
        Assert.Equal(VerifyVerdict.Valid, (await school.Client.VerifyAsync(voucher.Code)).Verdict);
    }

    [Fact]
    public async Task AnOnlineUseWithoutAnAttestationIsRefusedNamingItAndUsesNothing()
    {
        var school = await Institutions.NewAsync(gateway);
        var person = TestPerson.New();
        var voucher = await ClaimAtAsync(person, school.Id);

        var missing = await channel.PostJsonAsync($"/api/v1/channel/vouchers/{voucher.Code}/use",
            new OnlineUseRequest(person.IdNumber, null, school.Id));
        var stale = await channel.PostJsonAsync($"/api/v1/channel/vouchers/{voucher.Code}/use",
            new OnlineUseRequest(person.IdNumber, new AttestationRequest("face", DateTimeOffset.UtcNow.AddHours(-1)), school.Id));
        var noId = await channel.PostJsonAsync($"/api/v1/channel/vouchers/{voucher.Code}/use",
            new OnlineUseRequest(null, VoucherApi.FreshAttestation(), school.Id));

        await VoucherApi.ValidationProblemAsync(missing, "attestation");
        await VoucherApi.ValidationProblemAsync(stale, "attestation.verifiedAt");
        await VoucherApi.ValidationProblemAsync(noId, "idNumber");
        Assert.Equal(VerifyVerdict.Valid, (await school.Client.VerifyAsync(voucher.Code)).Verdict);
    }

    [Fact]
    public async Task AnOnlineUseOfAVoucherUsedElsewhereOrNotValidThereIsRejectedWithTheVerdict()
    {
        var school = await Institutions.NewAsync(gateway);
        var elsewhere = await Institutions.NewAsync(gateway);
        var person = TestPerson.New();
        var batch = await admin.CreateActiveBatchAsync(VoucherApi.NewBatch() with { EligibleInstitutionIds = [school.Id, elsewhere.Id] });
        var voucher = await channel.ClaimAsync(person, batch.Id);

        var notThere = await channel.PostJsonAsync($"/api/v1/channel/vouchers/{voucher.Code}/use",
            new OnlineUseRequest(person.IdNumber, VoucherApi.FreshAttestation(), Demo.GzTechCollege));
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.Client.PostAsync($"/api/v1/institution/vouchers/{voucher.Code}/use", null)).StatusCode);
        var used = await channel.PostJsonAsync($"/api/v1/channel/vouchers/{voucher.Code}/use",
            new OnlineUseRequest(person.IdNumber, VoucherApi.FreshAttestation(), school.Id));

        var notThereProblem = await VoucherApi.ProblemAsync(notThere, HttpStatusCode.Conflict);
        Assert.Equal(("urn:vouchers:problem:voucher-rejected", "notForThisInstitution"),
            (notThereProblem.GetProperty("type").GetString(), notThereProblem.GetProperty("verdict").GetString()));
        var usedProblem = await VoucherApi.ProblemAsync(used, HttpStatusCode.Conflict);
        Assert.Equal("alreadyUsed", usedProblem.GetProperty("verdict").GetString());
        var refused = Assert.Single(await school.Client.RecordsWhenAsync(1));
        Assert.Equal((RecordKind.Use, VerifyVerdict.AlreadyUsed, UseMode.Online), (refused.Kind, refused.Result, refused.Mode));
    }

    private async Task<VoucherView> ClaimAtAsync(TestPerson person, string institutionId)
    {
        var batch = await admin.CreateActiveBatchAsync(VoucherApi.NewBatch() with { EligibleInstitutionIds = [institutionId] });
        return await channel.ClaimAsync(person, batch.Id);
    }
}
