using System.Globalization;
using System.Net;
using System.Text;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Http.Contracts;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>An institution's verification records (验券记录): what lands in them, filters, pages and the CSV export.</summary>
public sealed class VerificationRecordTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private const string Csv = "/api/v1/institution/verification-records.csv";

    private readonly HttpClient admin = gateway.ClientFor(Demo.AdminGuangdong);
    private readonly HttpClient channel = gateway.ClientFor(Demo.ChannelNationalApp);

    [Fact]
    public async Task VerificationsAndUsesLandInTheCallersRecordsNewestFirstAndNotInAnotherInstitutions()
    {
        var school = await Institutions.NewAsync(gateway);
        var other = await Institutions.NewAsync(gateway);
        var person = TestPerson.New();
        var voucher = await ClaimAtAsync(person, school.Id);
        var unknown = VoucherApi.UnknownCode();

        var verified = await school.Client.PostFromDeviceAsync("/api/v1/institution/verifications", new VerifyRequest(voucher.Code), "gun-01");
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        var used = await school.Client.PostFromDeviceAsync<object>($"/api/v1/institution/vouchers/{voucher.Code}/use", null, "gun-01");
        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        Assert.Equal(VerifyVerdict.AlreadyUsed, (await school.Client.VerifyAsync(voucher.Code)).Verdict);
        Assert.Equal(VerifyVerdict.Unknown, (await school.Client.VerifyAsync(unknown)).Verdict);
        Assert.Equal(VerifyVerdict.Malformed, (await school.Client.VerifyAsync("not a voucher")).Verdict);

        var records = await school.Client.RecordsWhenAsync(5);

        Assert.Equal(
            [(RecordKind.Verify, VerifyVerdict.Malformed), (RecordKind.Verify, VerifyVerdict.Unknown), (RecordKind.Verify, VerifyVerdict.AlreadyUsed),
             (RecordKind.Use, VerifyVerdict.Valid), (RecordKind.Verify, VerifyVerdict.Valid)],
            records.Select(r => (r.Kind, r.Result)));
        Assert.Equal(records.OrderByDescending(r => r.OccurredAt).ThenByDescending(r => r.Id).Select(r => r.Id), records.Select(r => r.Id));
        Assert.All(records, r => Assert.Equal(school.KeyId, r.Clerk));
        var (useRecord, verifyRecord) = (records[3], records[4]);
        Assert.Equal(new VerificationRecordView(verifyRecord.Id, verifyRecord.OccurredAt, RecordKind.Verify, Institutions.Masked(voucher.Code),
            VerifyVerdict.Valid, school.KeyId, "gun-01", null, null, null), verifyRecord);
        Assert.Equal((Institutions.Masked(voucher.Code), UseMode.Offline, "gun-01"), (useRecord.Code, useRecord.Mode, useRecord.DeviceId));
        Assert.Equal(Institutions.Masked(unknown), records[1].Code);
        Assert.Null(records[2].DeviceId);
        Assert.InRange(verifyRecord.OccurredAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);

        // The other institution sees its own lookup only, and the first institution's records are unchanged by it.
        Assert.Equal(VerifyVerdict.AlreadyUsed, (await other.Client.VerifyAsync(voucher.Code)).Verdict);
        var theirs = Assert.Single(await other.Client.RecordsWhenAsync(1));
        Assert.Equal((other.KeyId, VerifyVerdict.AlreadyUsed), (theirs.Clerk, theirs.Result));
        Assert.Equal(records.Select(r => r.Id), (await school.Client.RecordsAsync()).Records.Select(r => r.Id));

        // Records hold no full code and nothing about the holder.
        var raw = await (await school.Client.GetAsync("/api/v1/institution/verification-records")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(voucher.Code, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(person.IdNumber[..14], raw, StringComparison.Ordinal);
        Assert.DoesNotContain(voucher.HolderIdNumber, raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FiltersSelectByResultKindAndPeriod()
    {
        var school = await Institutions.NewAsync(gateway);
        var voucher = await ClaimAtAsync(TestPerson.New(), school.Id);
        await school.Client.VerifyAsync(voucher.Code);
        Assert.Equal(HttpStatusCode.OK, (await school.Client.PostAsync($"/api/v1/institution/vouchers/{voucher.Code}/use", null)).StatusCode);
        await school.Client.VerifyAsync(voucher.Code);
        await school.Client.VerifyAsync(VoucherApi.UnknownCode());
        var all = await school.Client.RecordsWhenAsync(4);
        var (newest, oldest) = (all[0].OccurredAt, all[^1].OccurredAt);
        var day = ChinaTime.DayOf(oldest);

        async Task<List<(RecordKind, VerifyVerdict)>> SelectAsync(string query) =>
            [.. (await school.Client.RecordsAsync(query)).Records.Select(r => (r.Kind, r.Result))];

        Assert.Equal([(RecordKind.Use, VerifyVerdict.Valid), (RecordKind.Verify, VerifyVerdict.Valid)], await SelectAsync("result=valid"));
        Assert.Equal([(RecordKind.Use, VerifyVerdict.Valid)], await SelectAsync("kind=use"));
        Assert.Equal([(RecordKind.Verify, VerifyVerdict.AlreadyUsed)], await SelectAsync("kind=verify&result=alreadyUsed"));
        Assert.Empty(await SelectAsync("kind=use&result=unknown"));

        Assert.Equal(4, (await SelectAsync("from=" + Instant(oldest))).Count);
        Assert.Empty(await SelectAsync("from=" + Instant(newest.AddTicks(10))));
        Assert.Empty(await SelectAsync("to=" + Instant(oldest)));
        Assert.Equal([(RecordKind.Verify, VerifyVerdict.Valid)], await SelectAsync("to=" + Instant(oldest.AddTicks(10))));
        Assert.Equal(4, (await SelectAsync($"from={oldest.AddMinutes(-1).ToOffset(ChinaTime.Offset):yyyy-MM-ddTHH:mm:ss}%2B08:00")).Count);

        // Days are China-time calendar days: "to" includes its day.
        Assert.Equal(4, (await SelectAsync($"from={Day(day)}&to={Day(day)}")).Count);
        Assert.Empty(await SelectAsync($"from={Day(day.AddDays(1))}"));
        Assert.Empty(await SelectAsync($"to={Day(day.AddDays(-1))}"));
    }

    [Fact]
    public async Task PagesFollowEachOtherWithoutGapsOrDuplicates()
    {
        var school = await Institutions.NewAsync(gateway);
        var voucher = await ClaimAtAsync(TestPerson.New(), school.Id);
        for (var i = 0; i < 7; i++)
        {
            await school.Client.VerifyAsync(voucher.Code);
        }

        var all = await school.Client.RecordsWhenAsync(7);

        var pages = new List<VerificationRecordsResponse> { await school.Client.RecordsAsync("limit=3") };
        while (pages[^1].NextCursor is { } cursor)
        {
            Assert.True(pages.Count < 10, "paging does not end");
            pages.Add(await school.Client.RecordsAsync($"limit=3&cursor={Uri.EscapeDataString(cursor)}"));
        }

        Assert.Equal([3, 3, 1], pages.Select(p => p.Records.Count));
        var paged = pages.SelectMany(p => p.Records).Select(r => r.Id).ToList();
        Assert.Equal(7, paged.Distinct().Count());
        Assert.Equal(all.Select(r => r.Id), paged);
    }

    [Fact]
    public async Task TheCsvExportHasAByteOrderMarkAHeaderAndOneRowPerRecordWithMaskedCodesAndNothingPersonal()
    {
        var school = await Institutions.NewAsync(gateway);
        var person = TestPerson.New();
        var voucher = await ClaimAtAsync(person, school.Id);
        Assert.Equal(HttpStatusCode.OK,
            (await school.Client.PostFromDeviceAsync("/api/v1/institution/verifications", new VerifyRequest(voucher.Code), "gun, \"7\"")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await school.Client.PostJsonAsync($"/api/v1/institution/vouchers/{voucher.Code}/use",
            new UseRequest("electrician-101", "class-2026-03"))).StatusCode);
        await school.Client.RecordsWhenAsync(2);

        var response = await school.Client.GetAsync(Csv);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.StartsWith($"verification-records-{school.Id}-", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        var lines = text[..^2].Split("\r\n");
        Assert.Equal("id,occurredAt,kind,code,result,resultText,clerk,deviceId,mode,courseId,classId", lines[0]);
        Assert.Equal(3, lines.Length);
        var masked = Institutions.Masked(voucher.Code);
        var (use, verify) = (lines[1].Split(','), lines[2]);
        Assert.Equal(["use", masked, "valid", "使用成功", school.KeyId, "", "offline", "electrician-101", "class-2026-03"], use[2..]);
        Assert.Matches("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$", use[1]);
        Assert.EndsWith($",verify,{masked},valid,有效,{school.KeyId},\"gun, \"\"7\"\"\",,,", verify, StringComparison.Ordinal);
        Assert.DoesNotContain(voucher.Code, text, StringComparison.Ordinal);
        Assert.DoesNotContain(voucher.HolderIdNumber, text, StringComparison.Ordinal);
        Assert.DoesNotContain(person.IdNumber[..14], text, StringComparison.Ordinal);
        Assert.DoesNotContain(person.Name, text, StringComparison.Ordinal);

        // The same filters as the list.
        var uses = await (await school.Client.GetAsync(Csv + "?kind=use")).Content.ReadAsStringAsync();
        Assert.Equal(2, uses.TrimEnd('\r', '\n').Split("\r\n").Length);
    }

    [Theory]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=", "from")]
    [InlineData("from=2026-03-02T09:00:00", "from")]
    [InlineData("from=0001-01-01", "from")]
    [InlineData("to=2026-02-30", "to")]
    [InlineData("from=2026-03-03&to=2026-03-02", "to")]
    [InlineData("from=2026-03-02T10:00:00Z&to=2026-03-02T10:00:00Z", "to")]
    [InlineData("result=ok", "result")]
    [InlineData("result=", "result")]
    [InlineData("kind=scan", "kind")]
    public async Task BadFiltersAreRefusedWithAProblemNamingTheFieldOnTheListAndTheCsv(string query, string field)
    {
        var institution = gateway.ClientFor(Demo.InstitutionSzSkillsSchool);

        await VoucherApi.ValidationProblemAsync(await institution.GetAsync("/api/v1/institution/verification-records?" + query), field);
        await VoucherApi.ValidationProblemAsync(await institution.GetAsync(Csv + "?" + query), field);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("limit=-5", "limit")]
    [InlineData("cursor=abc", "cursor")]
    [InlineData("cursor=", "cursor")]
    [InlineData("cursor=AQAAAAAAAAAAAAAAAAAAAAAA", "cursor")]
    [InlineData("cursor=..%2F..%2Fetc%2Fpasswd", "cursor")]
    [InlineData("cursor=AQAAAAAAAAAAAAAAAAAAAA%3D%3D%3D", "cursor")]
    [InlineData("cursor=%E4%BD%A0%E5%A5%BD", "cursor")]
    public async Task ABadPageIsRefusedWithAProblemNamingTheField(string query, string field)
    {
        var institution = gateway.ClientFor(Demo.InstitutionSzSkillsSchool);

        await VoucherApi.ValidationProblemAsync(await institution.GetAsync("/api/v1/institution/verification-records?" + query), field);
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("a-device-id-that-is-far-too-long-for-any-scan-gun-0123456789-abcdef")]
    [InlineData("gun\u00e9")]
    public async Task ABadDeviceIdIsRefusedNamingTheHeaderAndNothingIsUsed(string device)
    {
        var school = await Institutions.NewAsync(gateway);
        var voucher = await ClaimAtAsync(TestPerson.New(), school.Id);

        await VoucherApi.ValidationProblemAsync(
            await school.Client.PostFromDeviceAsync("/api/v1/institution/verifications", new VerifyRequest(voucher.Code), device), "X-Device-Id");
        await VoucherApi.ValidationProblemAsync(
            await school.Client.PostFromDeviceAsync<object>($"/api/v1/institution/vouchers/{voucher.Code}/use", null, device), "X-Device-Id");

        Assert.Equal(VerifyVerdict.Valid, (await school.Client.VerifyAsync(voucher.Code)).Verdict);
    }

    [Fact]
    public async Task RecordRoutesAreForInstitutionsOnly()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await channel.GetAsync("/api/v1/institution/verification-records")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync(Csv)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.AnonymousClient().GetAsync(Csv)).StatusCode);
    }

    private async Task<VoucherView> ClaimAtAsync(TestPerson person, string institutionId)
    {
        var batch = await admin.CreateActiveBatchAsync(VoucherApi.NewBatch() with { EligibleInstitutionIds = [institutionId] });
        return await channel.ClaimAsync(person, batch.Id);
    }

    private static string Instant(DateTimeOffset at) => Uri.EscapeDataString(at.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture));

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
