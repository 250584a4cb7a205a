using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vouchers.Contracts;
using Vouchers.Http.Contracts;
using Vouchers.Http.Persons;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>
/// After the claim a channel acts on a voucher only for its holder, checked in the same request (ID number and a fresh
/// attestation), and only when the voucher's batch enables the channel. Anything else is answered exactly as a voucher
/// that does not exist: the channel learns nothing, and nothing changes. The demo's bank-app is the outsider here: the
/// test batches enable only national-app unless a test says otherwise.
/// </summary>
public sealed class HolderBindingTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private const double SchoolLatitude = 22.5431;
    private const double SchoolLongitude = 114.0579;

    private readonly HttpClient admin = gateway.ClientFor(Demo.AdminGuangdong);
    private readonly HttpClient national = gateway.ClientFor(Demo.ChannelNationalApp);
    private readonly HttpClient bank = gateway.ClientFor(Demo.ChannelBankApp);
    private readonly HttpClient school = gateway.ClientFor(Demo.InstitutionSzSkillsSchool);

    [Fact]
    public async Task BankAppCannotReturnUseOrGetTheQrOfANationalAppOnlyVoucherAndNothingChanges()
    {
        var person = TestPerson.New();
        var voucher = await national.ClaimAsync(person, await NationalOnlyBatchAsync());

        var returned = await bank.PostJsonAsync($"/api/v1/channel/vouchers/{voucher.Code}/return", Return(person));
        var used = await bank.PostJsonAsync($"/api/v1/channel/vouchers/{voucher.Code}/use", OnlineUse(person));
        var qr = await bank.PostQrAsync(person, voucher.Code);

        // Byte for byte (but for the trace id) what a code that names no voucher gets.
        var unknown = VoucherApi.UnknownCode();
        Assert.Equal(await NotFoundBodyAsync(await bank.PostJsonAsync($"/api/v1/channel/vouchers/{unknown}/return", Return(person))), await NotFoundBodyAsync(returned));
        Assert.Equal(await NotFoundBodyAsync(await bank.PostJsonAsync($"/api/v1/channel/vouchers/{unknown}/use", OnlineUse(person))), await NotFoundBodyAsync(used));
        Assert.Equal(await NotFoundBodyAsync(await bank.PostQrAsync(person, unknown)), await NotFoundBodyAsync(qr));

        // Still claimed, unused, where the national app left it.
        Assert.Equal(VerifyVerdict.Valid, (await school.VerifyAsync(voucher.Code)).Verdict);
        var held = Assert.Single((await national.WalletAsync(person)).Vouchers);
        Assert.Equal((voucher.Code, VoucherStatus.Claimed, null), (held.Code, held.Status, held.InstitutionId));
        Assert.Equal(1, (await admin.GetBatchAsync(voucher.BatchId)).Counters.Claimed);
    }

    [Fact]
    public async Task BankAppCannotCheckInWithANationalAppOnlyVoucherNorLearnTheNationalAppsCheckIn()
    {
        var person = TestPerson.New();
        var voucher = await national.ClaimAsync(person, await NationalOnlyBatchAsync());
        Assert.Equal(VoucherStatus.Used, (await school.UseAsync(voucher.Code)).Status);
        var session = await PublishSessionAsync();

        var named = await bank.PostJsonAsync("/api/v1/channel/check-ins", CheckIn(person, session.Id) with { VoucherCode = voucher.Code });
        var unnamed = await bank.PostJsonAsync("/api/v1/channel/check-ins", CheckIn(person, session.Id));

        Assert.Equal(await NotFoundBodyAsync(await bank.PostJsonAsync("/api/v1/channel/check-ins",
            CheckIn(person, session.Id) with { VoucherCode = VoucherApi.UnknownCode() })), await NotFoundBodyAsync(named));
        var notEnrolled = await VoucherApi.ProblemAsync(unnamed, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:vouchers:problem:not-enrolled", notEnrolled.GetProperty("type").GetString());
        Assert.Empty(await CheckInsAsync(session.Id));

        // Once the person checked in through the national app, the bank app's repeat still learns nothing of it.
        Assert.Equal(HttpStatusCode.Created, (await national.PostJsonAsync("/api/v1/channel/check-ins", CheckIn(person, session.Id))).StatusCode);
        var repeat = await bank.PostJsonAsync("/api/v1/channel/check-ins", CheckIn(person, session.Id));

        var refused = await VoucherApi.ProblemAsync(repeat, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:vouchers:problem:not-enrolled", refused.GetProperty("type").GetString());
        Assert.DoesNotContain(voucher.Code, refused.GetRawText(), StringComparison.Ordinal);
        var checkIn = Assert.Single(await CheckInsAsync(session.Id));
        Assert.Equal((voucher.Code, Demo.NationalApp), (checkIn.VoucherCode, checkIn.ChannelId));
    }

    [Fact]
    public async Task TheWalletThroughBankAppListsOnlyVouchersOfBatchesThatEnableIt()
    {
        var person = TestPerson.New();
        var nationalOnly = await national.ClaimAsync(person, await NationalOnlyBatchAsync());
        var shared = await national.ClaimAsync(person, (await admin.CreateActiveBatchAsync(
            VoucherApi.NewBatch() with { EnabledChannelIds = [Demo.NationalApp, Demo.BankApp] })).Id);
        var everyChannel = await national.ClaimAsync(person, (await admin.CreateActiveBatchAsync(VoucherApi.NewBatch() with { EnabledChannelIds = [] })).Id);

        var viaBank = await bank.WalletAsync(person);
        var viaNational = await national.WalletAsync(person);

        Assert.Equal(new[] { everyChannel.Code, shared.Code }.Order(StringComparer.Ordinal), viaBank.Vouchers.Select(v => v.Code).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { nationalOnly.Code, everyChannel.Code, shared.Code }.Order(StringComparer.Ordinal),
            viaNational.Vouchers.Select(v => v.Code).Order(StringComparer.Ordinal));

        // The bank app may act on what it sees.
        Assert.Equal(HttpStatusCode.OK, (await bank.PostQrAsync(person, shared.Code)).StatusCode);
        Assert.Equal(VoucherStatus.Returned, (await bank.ReturnAsync(person, everyChannel.Code)).Status);
    }

    [Fact]
    public async Task AnyChannelActingOnAVoucherWithAnotherPersonsIdNumberAndAttestationIsNotFound()
    {
        var holder = TestPerson.New();
        var other = TestPerson.New();
        var batch = await admin.CreateActiveBatchAsync(VoucherApi.NewBatch() with { EnabledChannelIds = [] });
        var voucher = await national.ClaimAsync(holder, batch.Id);
        var enrolled = await national.ClaimAsync(TestPerson.New(), batch.Id);
        Assert.Equal(VoucherStatus.Used, (await school.UseAsync(enrolled.Code)).Status);
        var session = await PublishSessionAsync();

        foreach (var channel in new[] { national, bank })
        {
            await AssertNotFoundAsync(await channel.PostJsonAsync($"/api/v1/channel/vouchers/{voucher.Code}/return", Return(other)));
            await AssertNotFoundAsync(await channel.PostJsonAsync($"/api/v1/channel/vouchers/{voucher.Code}/use", OnlineUse(other)));
            await AssertNotFoundAsync(await channel.PostQrAsync(other, voucher.Code));
            await AssertNotFoundAsync(await channel.PostJsonAsync("/api/v1/channel/check-ins", CheckIn(other, session.Id) with { VoucherCode = enrolled.Code }));
            Assert.Empty((await channel.WalletAsync(other)).Vouchers);
        }

        Assert.Equal(VerifyVerdict.Valid, (await school.VerifyAsync(voucher.Code)).Verdict);
        Assert.Equal(VoucherStatus.Claimed, Assert.Single((await national.WalletAsync(holder)).Vouchers).Status);
        Assert.Empty(await CheckInsAsync(session.Id));
    }

    public static TheoryData<string, string> HolderRoutes => new()
    {
        { "wallet", "/api/v1/channel/wallet" },
        { "return", "/api/v1/channel/vouchers/{code}/return" },
        { "use", "/api/v1/channel/vouchers/{code}/use" },
        { "qr", "/api/v1/channel/vouchers/{code}/qr" },
        { "check-in", "/api/v1/channel/check-ins" },
    };

    [Theory]
    [MemberData(nameof(HolderRoutes))]
    public async Task EveryHolderRouteRefusesAMissingOrStaleAttestationNamingItAndChangesNothing(string route, string template)
    {
        var person = TestPerson.New();
        var voucher = await national.ClaimAsync(person, await NationalOnlyBatchAsync());
        var path = template.Replace("{code}", voucher.Code, StringComparison.Ordinal);
        var stale = new AttestationRequest("face", DateTimeOffset.UtcNow.AddMinutes(-10));

        var missing = await national.PostJsonAsync(path, Body(route, person, voucher.Code, attestation: null));
        var old = await national.PostJsonAsync(path, Body(route, person, voucher.Code, stale));

        await VoucherApi.ValidationProblemAsync(missing, "attestation");
        await VoucherApi.ValidationProblemAsync(old, "attestation.verifiedAt");
        Assert.Equal(VerifyVerdict.Valid, (await school.VerifyAsync(voucher.Code)).Verdict);
    }

    [Fact]
    public async Task AChannelTheBatchDoesNotEnableIsRefusedBeforeItCouldLearnTheHoldersCode()
    {
        var person = TestPerson.New();
        var batchId = await NationalOnlyBatchAsync();
        var requestId = VoucherApi.NewRequestId();
        var voucher = await VoucherApi.ReadAsync<VoucherView>(await national.PostClaimAsync(person, batchId, requestId), HttpStatusCode.OK);

        // bank-app with a new request id, and with the national app's own request id: refused, no code in sight.
        foreach (var id in new[] { VoucherApi.NewRequestId(), requestId })
        {
            var response = await bank.PostClaimAsync(person, batchId, id);
            var body = await response.Content.ReadAsStringAsync();
            var problem = await VoucherApi.ProblemAsync(response, HttpStatusCode.Forbidden);
            Assert.Equal("urn:vouchers:problem:channel-not-enabled", problem.GetProperty("type").GetString());
            Assert.False(problem.TryGetProperty("voucherCode", out _), body);
            Assert.DoesNotContain(voucher.Code, body, StringComparison.Ordinal);
        }

        // A paused batch refuses the holder's new request before naming the voucher; the national app's own request
        // is still answered as it was first (idempotency).
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/admin/batches/{batchId}/pause", null)).StatusCode);
        var paused = await national.PostClaimAsync(person, batchId, VoucherApi.NewRequestId());
        var pausedBody = await paused.Content.ReadAsStringAsync();
        Assert.Equal("urn:vouchers:problem:batch-not-claimable", (await VoucherApi.ProblemAsync(paused, HttpStatusCode.Conflict)).GetProperty("type").GetString());
        Assert.DoesNotContain(voucher.Code, pausedBody, StringComparison.Ordinal);
        var replayed = await national.PostClaimAsync(person, batchId, requestId);
        Assert.Equal("true", Assert.Single(replayed.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(voucher.Code, (await VoucherApi.ReadAsync<VoucherView>(replayed, HttpStatusCode.OK)).Code);
        Assert.Equal(1, (await admin.GetBatchAsync(batchId)).Counters.Claimed);
    }

    [Fact]
    public async Task ARequestIdIsTheChannelsOwnAnotherChannelUsingItDoesNotGetTheFirstAnswer()
    {
        var person = TestPerson.New();
        var batch = await admin.CreateActiveBatchAsync(VoucherApi.NewBatch() with { EnabledChannelIds = [Demo.NationalApp, Demo.BankApp] });
        var requestId = VoucherApi.NewRequestId();
        var voucher = await VoucherApi.ReadAsync<VoucherView>(await national.PostClaimAsync(person, batch.Id, requestId), HttpStatusCode.OK);

        var sameIdOtherChannel = await bank.PostClaimAsync(person, batch.Id, requestId);

        // The bank app is enabled and checked the person, so it is told the person holds a voucher, but it is not a
        // replay of its own request.
        Assert.False(sameIdOtherChannel.Headers.Contains("Idempotent-Replayed"));
        var problem = await VoucherApi.ProblemAsync(sameIdOtherChannel, HttpStatusCode.Conflict);
        Assert.Equal("urn:vouchers:problem:already-claimed", problem.GetProperty("type").GetString());
        Assert.Equal(voucher.Code, problem.GetProperty("voucherCode").GetString());
        Assert.Equal(1, (await admin.GetBatchAsync(batch.Id)).Counters.Claimed);
    }

    private async Task<string> NationalOnlyBatchAsync() =>
        (await admin.CreateActiveBatchAsync(VoucherApi.NewBatch() with { EnabledChannelIds = [Demo.NationalApp] })).Id;

    private async Task<ClassSessionView> PublishSessionAsync()
    {
        var response = await school.PostJsonAsync("/api/v1/institution/class-sessions",
            new ClassSessionRequest($"cs-{Guid.NewGuid():N}", $"class-{Guid.NewGuid():N}", "electrician-basic", "Wiring",
                DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddHours(2)));
        return await VoucherApi.ReadAsync<ClassSessionView>(response, HttpStatusCode.Created);
    }

    private async Task<IReadOnlyList<CheckInView>> CheckInsAsync(string sessionId) =>
        (await VoucherApi.ReadAsync<SessionAttendance>(await school.GetAsync($"/api/v1/institution/class-sessions/{sessionId}/attendance"), HttpStatusCode.OK)).CheckIns;

    private static ReturnRequest Return(TestPerson person) => new(person.IdNumber, VoucherApi.FreshAttestation());

    private static OnlineUseRequest OnlineUse(TestPerson person) => new(person.IdNumber, VoucherApi.FreshAttestation(), Demo.SzSkillsSchool);

    private static CheckInBody CheckIn(TestPerson person, string sessionId, AttestationRequest? attestation = null) => new()
    {
        RequestId = VoucherApi.NewRequestId(),
        IdNumber = person.IdNumber,
        Attestation = attestation ?? VoucherApi.FreshAttestation(),
        InstitutionId = Demo.SzSkillsSchool,
        SessionId = sessionId,
        Latitude = SchoolLatitude,
        Longitude = SchoolLongitude,
    };

    /// <summary>The body of a holder route, with the attestation given (null: none at all).</summary>
    private static object Body(string route, TestPerson person, string code, AttestationRequest? attestation) => route switch
    {
        "wallet" => new WalletRequest(person.IdNumber, attestation),
        "return" => new ReturnRequest(person.IdNumber, attestation),
        "use" => new OnlineUseRequest(person.IdNumber, attestation, Demo.SzSkillsSchool),
        "qr" => new QrRequest(person.IdNumber, attestation),
        "check-in" => CheckIn(person, "some-session") with { Attestation = attestation, VoucherCode = code },
        _ => throw new ArgumentOutOfRangeException(nameof(route), route, null),
    };

    private static async Task AssertNotFoundAsync(HttpResponseMessage response) =>
        Assert.Equal("urn:vouchers:problem:not-found", (await VoucherApi.ProblemAsync(response, HttpStatusCode.NotFound)).GetProperty("type").GetString());

    /// <summary>A 404 problem's body without its trace id (the one part that differs from request to request).</summary>
    private static async Task<string> NotFoundBodyAsync(HttpResponseMessage response)
    {
        await VoucherApi.ProblemAsync(response, HttpStatusCode.NotFound);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.True(body.Remove("traceId"));
        return body.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
