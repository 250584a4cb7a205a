using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Vouchers.Contracts;
using Vouchers.Gateway.Audit;
using Vouchers.Http.Contracts;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>
/// The zero-setup gateway whose requests come from <see cref="ClientAddress"/> (a test server has no TCP peer), so
/// that the audit trail's client address can be checked.
/// </summary>
public sealed class AuditedGatewayFactory : GatewayFactory
{
    public const string ClientAddress = "203.0.113.9";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, PeerAddress>());
    }

    private sealed class PeerAddress : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(ClientAddress);
                return following(context);
            });
            next(app);
        };
    }
}

/// <summary>Every change an admin or an institution makes is in the audit trail once, and admins read their region's.</summary>
public sealed class AuditTrailTests(AuditedGatewayFactory gateway) : IClassFixture<AuditedGatewayFactory>
{
    /// <summary>POST and PUT routes of admins and institutions that change nothing of their own (see docs/SECURITY.md).</summary>
    private static readonly HashSet<string> NotAudited =
    [
        "POST /api/v1/institution/verifications", // changes nothing; in the verification records
        "POST /api/v1/institution/vouchers/{code}/use", // in the verification records, with the clerk's key id, before it is answered
    ];

    private HttpClient Ministry => gateway.ClientFor(Demo.AdminMinistry);

    private HttpClient Guangdong => gateway.ClientFor(Demo.AdminGuangdong);

    private HttpClient Shenzhen => gateway.ClientFor(Demo.AdminShenzhen);

    [Fact]
    public void EveryRouteOfAdminsAndInstitutionsThatChangesStateIsAudited()
    {
        var routes = gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } path && (path.StartsWith("/api/v1/admin", StringComparison.Ordinal) || path.StartsWith("/api/v1/institution", StringComparison.Ordinal)))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Where(m => m is not "GET" and not "HEAD")
                .Select(m => (Route: $"{m} {e.RoutePattern.RawText!.TrimEnd('/')}", Audited: e.Metadata.GetMetadata<AuditedAction>())))
            .ToList();

        Assert.True(routes.Count >= 19, $"only {routes.Count} routes found"); // 15 of admins, 4 of institutions when this was written
        Assert.Empty(routes.Where(r => r.Audited is null && !NotAudited.Contains(r.Route)).Select(r => r.Route));
        Assert.All(routes.Where(r => r.Audited is not null), r => Assert.True(AuditActions.All.Contains(r.Audited!.Action), r.Route));
    }

    [Fact]
    public async Task EachStepOfABatchIsRecordedOnceWithItsActorRegionAndBeforeAndAfter()
    {
        var targets = new[] { TestPerson.New(), TestPerson.New() };
        var draft = await VoucherApi.ReadAsync<BatchSnapshot>(await Guangdong.PostJsonAsync("/api/v1/admin/batches", VoucherApi.NewBatch(quantity: 10)), HttpStatusCode.Created);
        var id = draft.Id;
        var updated = VoucherApi.NewBatch(quantity: 12);
        await Expect(HttpStatusCode.OK, Guangdong.PutAsJsonAsync($"/api/v1/admin/batches/{id}", updated, VoucherApi.Json));
        await Expect(HttpStatusCode.OK, Guangdong.PostAsync($"/api/v1/admin/batches/{id}/activate", null));
        await Expect(HttpStatusCode.OK, Guangdong.PostJsonAsync($"/api/v1/admin/batches/{id}/quantity", new QuantityRequest(5)));
        await Expect(HttpStatusCode.OK, Guangdong.PostJsonAsync($"/api/v1/admin/batches/{id}/targets", new TargetsRequest([.. targets.Select(t => t.IdNumber)])));
        await Expect(HttpStatusCode.OK, Guangdong.PostAsync($"/api/v1/admin/batches/{id}/pause", null));
        await Expect(HttpStatusCode.OK, Guangdong.PostAsync($"/api/v1/admin/batches/{id}/close", null));

        var response = await Guangdong.GetAsync($"/api/v1/admin/audit?targetId={id}");
        var text = await response.Content.ReadAsStringAsync();
        var records = (await VoucherApi.ReadAsync<AuditRecordsResponse>(response, HttpStatusCode.OK)).Records.Reverse().ToList();

        Assert.Equal(
            [AuditActions.BatchCreate, AuditActions.BatchUpdate, AuditActions.BatchActivate, AuditActions.BatchQuantity, AuditActions.BatchTargets,
             AuditActions.BatchPause, AuditActions.BatchClose],
            records.Select(r => r.Action));
        Assert.All(records, r => Assert.Equal((Demo.AdminGuangdong, "44", AuditedGatewayFactory.ClientAddress, id), (r.Actor, r.RegionCode, r.ClientAddress, r.TargetId)));
        Assert.Null(records[0].Before);
        Assert.Equal(("draft", 10), Essentials(records[0].After));
        Assert.Equal((("draft", 10), ("draft", 12)), (Essentials(records[1].Before), Essentials(records[1].After)));
        Assert.Equal((("draft", 12), ("active", 12)), (Essentials(records[2].Before), Essentials(records[2].After)));
        Assert.Equal((("active", 12), ("active", 17)), (Essentials(records[3].Before), Essentials(records[3].After)));
        Assert.Equal(2, records[4].After!.Value.GetProperty("targetsAdded").GetInt32());
        Assert.Equal((("active", 17), ("paused", 17)), (Essentials(records[5].Before), Essentials(records[5].After)));
        Assert.Equal((("paused", 17), ("closed", 17)), (Essentials(records[6].Before), Essentials(records[6].After)));
        foreach (var person in targets)
        {
            Assert.DoesNotContain(person.IdNumber, text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(draft.Definition.Title, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegistryKeyAndSubsidyChangesAndAPublishedSessionAreRecordedOnceEach()
    {
        var programId = $"prog-{Guid.NewGuid():N}"[..24];
        var channelId = $"app-{Guid.NewGuid():N}"[..20];
        await Expect(HttpStatusCode.Created, Shenzhen.PostJsonAsync("/api/v1/admin/programs", new ProgramRequest(programId, "焊工 welding", "6-18-02-04", "4403")));
        await Expect(HttpStatusCode.Created, Ministry.PostJsonAsync("/api/v1/admin/channels", new ChannelRequest(channelId, "Test app")));
        var school = await Institutions.NewAsync(gateway); // registers the institution (440304) and issues its key, as the Guangdong admin
        var spare = await Guangdong.IssueInstitutionKeyAsync(school.Id);
        var rotated = await Guangdong.RotateKeyAsync(spare.KeyId, new RotateKeyRequest(GraceHours: 1));
        await Guangdong.RevokeKeyAsync(rotated.Issued.KeyId);
        await Guangdong.RevokeKeyAsync(rotated.Issued.KeyId); // changes nothing: not recorded again

        var batch = await Guangdong.CreateActiveBatchAsync(VoucherApi.NewBatch() with { EligibleInstitutionIds = [school.Id] });
        var voucher = await gateway.ClientFor(Demo.ChannelNationalApp).ClaimAsync(TestPerson.New(), batch.Id);
        await school.Client.UseAsync(voucher.Code);
        var requestId = VoucherApi.NewRequestId();
        var application = await VoucherApi.ReadAsync<SubsidyApplicationView>(await school.Client.PostJsonAsync("/api/v1/institution/subsidy-applications",
            new SubsidyApplicationRequest(batch.Id, [voucher.Code], requestId)), HttpStatusCode.Created);
        var replay = await school.Client.PostJsonAsync("/api/v1/institution/subsidy-applications", new SubsidyApplicationRequest(batch.Id, [voucher.Code], requestId));
        Assert.Equal("true", Assert.Single(replay.Headers.GetValues("Idempotent-Replayed")));
        await Guangdong.ApproveAsync(application.Id, voucher.Code);
        await Guangdong.DisburseAsync(application.Id);
        await Guangdong.DisburseAsync(application.Id); // safe to repeat; changes nothing
        var session = new ClassSessionRequest("s-" + Guid.NewGuid().ToString("N")[..12], "welding-2026", null, "第一课",
            DateTimeOffset.UtcNow.AddHours(1), DateTimeOffset.UtcNow.AddHours(3));
        await Expect(HttpStatusCode.Created, school.Client.PostJsonAsync("/api/v1/institution/class-sessions", session));
        await Expect(HttpStatusCode.OK, school.Client.PostJsonAsync("/api/v1/institution/class-sessions", session)); // replay

        var program = Assert.Single((await Guangdong.AuditAsync($"targetId={programId}")).Records);
        Assert.Equal((AuditActions.ProgramCreate, Demo.AdminShenzhen, "4403"), (program.Action, program.Actor, program.RegionCode));
        var channel = Assert.Single((await Ministry.AuditAsync($"targetId={channelId}")).Records);
        Assert.Equal((AuditActions.ChannelCreate, Demo.AdminMinistry, ""), (channel.Action, channel.Actor, channel.RegionCode));
        var institution = Assert.Single((await Guangdong.AuditAsync($"targetId={school.Id}")).Records);
        Assert.Equal((AuditActions.InstitutionCreate, "440304", 300), (institution.Action, institution.RegionCode, institution.After!.Value.GetProperty("radiusMeters").GetInt32()));

        var issued = Assert.Single((await Guangdong.AuditAsync($"targetId={school.KeyId}")).Records);
        Assert.Equal((AuditActions.KeyIssue, "440304", "institution", school.Id), (issued.Action, issued.RegionCode, Text(issued.After, "role"), Text(issued.After, "scope")));
        var spareRecords = (await Guangdong.AuditAsync($"targetId={spare.KeyId}")).Records;
        Assert.Equal([AuditActions.KeyRotate, AuditActions.KeyIssue], spareRecords.Select(r => r.Action));
        Assert.Equal((null, rotated.Issued.KeyId), (Text(spareRecords[0].Before, "replacedBy"), Text(spareRecords[0].After, "replacedBy")));
        var revoked = Assert.Single((await Guangdong.AuditAsync($"targetId={rotated.Issued.KeyId}&action={AuditActions.KeyRevoke}")).Records);
        Assert.Equal((null, Demo.AdminGuangdong), (Text(revoked.Before, "revokedBy"), Text(revoked.After, "revokedBy")));
        Assert.DoesNotContain(spare.ApiKey![(spare.KeyId.Length + 1)..], JsonSerializer.Serialize(spareRecords), StringComparison.Ordinal);

        var subsidy = (await Guangdong.AuditAsync($"targetId={application.Id}")).Records.Reverse().ToList();
        Assert.Equal([AuditActions.SubsidyApply, AuditActions.SubsidyReview, AuditActions.SubsidyDisburse], subsidy.Select(r => r.Action));
        Assert.Equal([school.KeyId, Demo.AdminGuangdong, Demo.AdminGuangdong], subsidy.Select(r => r.Actor));
        Assert.All(subsidy, r => Assert.Equal("44", r.RegionCode));
        Assert.Equal(1, subsidy[0].After!.Value.GetProperty("lines").GetProperty("pending").GetInt32());
        Assert.Equal((1, 0), (subsidy[1].After!.Value.GetProperty("lines").GetProperty("approved").GetInt32(), subsidy[1].After!.Value.GetProperty("lines").GetProperty("pending").GetInt32()));
        Assert.Equal(("submitted", "disbursed"), (Text(subsidy[2].Before, "status"), Text(subsidy[2].After, "status")));
        Assert.Equal(1, subsidy[2].After!.Value.GetProperty("lines").GetProperty("redeemed").GetInt32());

        var published = Assert.Single((await Guangdong.AuditAsync($"actor={school.KeyId}&action={AuditActions.SessionPublish}")).Records);
        Assert.Equal(($"{school.Id}/{session.SessionId}", "440304", "welding-2026"), (published.TargetId, published.RegionCode, Text(published.After, "classId")));
        // The use is in the verification records, not here.
        Assert.Equal([AuditActions.SessionPublish, AuditActions.SubsidyApply], (await Guangdong.AuditAsync($"actor={school.KeyId}")).Records.Select(r => r.Action));
    }

    [Fact]
    public async Task RefusedChangesAreNotRecorded()
    {
        var draft = await VoucherApi.ReadAsync<BatchSnapshot>(await Guangdong.PostJsonAsync("/api/v1/admin/batches", VoucherApi.NewBatch()), HttpStatusCode.Created);

        await VoucherApi.ProblemAsync(await Guangdong.PostAsync($"/api/v1/admin/batches/{draft.Id}/pause", null), HttpStatusCode.Conflict);
        await VoucherApi.ProblemAsync(await Shenzhen.PostAsync($"/api/v1/admin/batches/{draft.Id}/activate", null), HttpStatusCode.NotFound);
        await VoucherApi.ValidationProblemAsync(await Guangdong.PostJsonAsync($"/api/v1/admin/batches/{draft.Id}/quantity", new QuantityRequest(0)), "amount");
        await VoucherApi.ProblemAsync(await Shenzhen.PostRevokeAsync(Demo.AdminGuangdong), HttpStatusCode.NotFound);

        Assert.Equal([AuditActions.BatchCreate], (await Ministry.AuditAsync($"targetId={draft.Id}")).Records.Select(r => r.Action));
        Assert.Empty((await Ministry.AuditAsync($"targetId={Demo.AdminGuangdong}")).Records);
    }

    [Fact]
    public async Task AnAdminReadsTheRecordsOfItsRegionOnly()
    {
        var city = await VoucherApi.ReadAsync<BatchSnapshot>(await Shenzhen.PostJsonAsync("/api/v1/admin/batches", VoucherApi.NewBatch() with { RegionCode = "4403" }), HttpStatusCode.Created);
        var province = await VoucherApi.ReadAsync<BatchSnapshot>(await Guangdong.PostJsonAsync("/api/v1/admin/batches", VoucherApi.NewBatch()), HttpStatusCode.Created);
        var channelId = $"app-{Guid.NewGuid():N}"[..20];
        await Expect(HttpStatusCode.Created, Ministry.PostJsonAsync("/api/v1/admin/channels", new ChannelRequest(channelId, "Test app")));

        Assert.Single((await Shenzhen.AuditAsync($"targetId={city.Id}")).Records);
        Assert.Empty((await Shenzhen.AuditAsync($"targetId={province.Id}")).Records);
        Assert.Single((await Guangdong.AuditAsync($"targetId={city.Id}")).Records);
        Assert.Single((await Guangdong.AuditAsync($"targetId={province.Id}")).Records);
        Assert.Empty((await Guangdong.AuditAsync($"targetId={channelId}")).Records);
        Assert.Single((await Ministry.AuditAsync($"targetId={channelId}")).Records);
        Assert.All((await Shenzhen.AuditAsync("limit=200")).Records, r => Assert.StartsWith("4403", r.RegionCode, StringComparison.Ordinal));
        Assert.All((await Guangdong.AuditAsync("limit=200")).Records, r => Assert.StartsWith("44", r.RegionCode, StringComparison.Ordinal));

        await VoucherApi.ProblemAsync(await gateway.ClientFor(Demo.InstitutionSzSkillsSchool).GetAsync("/api/v1/admin/audit"), HttpStatusCode.Forbidden);
        await VoucherApi.ProblemAsync(await gateway.ClientFor(Demo.ChannelNationalApp).GetAsync("/api/v1/admin/audit.csv"), HttpStatusCode.Forbidden);
        await VoucherApi.ProblemAsync(await gateway.AnonymousClient().GetAsync("/api/v1/admin/audit"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task PagesFollowTheCursorAndABadQueryIsNamed()
    {
        var batch = await Guangdong.CreateActiveBatchAsync(VoucherApi.NewBatch());
        for (var i = 0; i < 3; i++)
        {
            await Expect(HttpStatusCode.OK, Guangdong.PostJsonAsync($"/api/v1/admin/batches/{batch.Id}/quantity", new QuantityRequest(1)));
        }

        var first = await Guangdong.AuditAsync($"targetId={batch.Id}&limit=2");
        var second = await Guangdong.AuditAsync($"targetId={batch.Id}&limit=2&cursor={first.NextCursor}");
        var third = await Guangdong.AuditAsync($"targetId={batch.Id}&limit=2&cursor={second.NextCursor}");

        Assert.Equal(2, first.Records.Count);
        Assert.Equal(2, second.Records.Count);
        Assert.Null(third.NextCursor);
        Assert.Equal(5, first.Records.Concat(second.Records).Concat(third.Records).Select(r => r.Id).Distinct().Count());
        Assert.Equal(3, (await Guangdong.AuditAsync($"targetId={batch.Id}&action={AuditActions.BatchQuantity}&from=2000-01-01")).Records.Count);
        Assert.Empty((await Guangdong.AuditAsync($"targetId={batch.Id}&to=2000-01-01")).Records);

        foreach (var (query, field) in new[]
        {
            ("action=drop.table", "action"), ("actor=ADMIN", "actor"), ("targetId=%3Cx%3E", "targetId"), ("from=yesterday", "from"),
            ("from=2026-03-02&to=2026-03-01", "to"),
        })
        {
            await VoucherApi.ValidationProblemAsync(await Guangdong.GetAsync($"/api/v1/admin/audit?{query}"), field);
            await VoucherApi.ValidationProblemAsync(await Guangdong.GetAsync($"/api/v1/admin/audit.csv?{query}"), field);
        }

        foreach (var (query, field) in new[] { ("limit=0", "limit"), ("limit=201", "limit"), ("cursor=not-a-cursor", "cursor") })
        {
            await VoucherApi.ValidationProblemAsync(await Guangdong.GetAsync($"/api/v1/admin/audit?{query}"), field);
        }
    }

    [Fact]
    public async Task TheCsvHoldsTheSameRecordsAsTheListWithFormulaSafeCells()
    {
        var batch = await Guangdong.CreateActiveBatchAsync(VoucherApi.NewBatch());

        var response = await Guangdong.GetAsync($"/api/v1/admin/audit.csv?targetId={batch.Id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(AuditCsv.Header, lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.Contains($",{Demo.AdminGuangdong},{AuditActions.BatchActivate},{batch.Id},44,\"{{\"\"status\"\":\"\"draft\"\"", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("," + AuditedGatewayFactory.ClientAddress, lines[1], StringComparison.Ordinal);
        Assert.Contains($",{AuditActions.BatchCreate},{batch.Id},44,,", lines[2], StringComparison.Ordinal);

        var row = new StringBuilder();
        AuditCsv.AppendRow(row, new AuditRecord(7, DateTimeOffset.UnixEpoch, "=cmd|' /C calc'!A0", AuditActions.KeyIssue, "+1", "", null, "{}", "@SUM(1)"));
        Assert.Equal("7,1970-01-01 08:00:00,'=cmd|' /C calc'!A0,key.issue,'+1,,,{},'@SUM(1)\r\n", row.ToString());
    }

    private static async Task Expect(HttpStatusCode status, Task<HttpResponseMessage> call)
    {
        using var response = await call;
        Assert.True(response.StatusCode == status, $"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static (string? Status, int Quantity) Essentials(JsonElement? state) =>
        (state!.Value.GetProperty("status").GetString(), state.Value.GetProperty("quantity").GetInt32());

    private static string? Text(JsonElement? state, string property) =>
        state!.Value.GetProperty(property) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
}
