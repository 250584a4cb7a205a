using Microsoft.AspNetCore.Mvc.Testing;
using System.Net;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Http.Contracts;
using Vouchers.Testing.Gateway;

namespace Vouchers.Testing.Security;

/// <summary>
/// The resources the authorization matrix acts on, all in Guangdong (region "44"): a batch enabled only for the
/// national app and usable only at the Shenzhen school, a person holding an unused voucher of it, a voucher used at the
/// school in a class with a session open now, and a subsidy application for it. Routes that change what they touch get
/// fresh resources for every call from the factories below, made by in-scope clients.
/// </summary>
public sealed class MatrixWorld
{
    public const double SchoolLatitude = 22.5431;
    public const double SchoolLongitude = 114.0579;

    private readonly Dictionary<Caller, HttpClient> clients;
    private readonly Dictionary<Owner, HttpClient> revoked;

    private MatrixWorld(WebApplicationFactory<Program> gateway, Dictionary<Owner, HttpClient> revoked)
    {
        Gateway = gateway;
        this.revoked = revoked;
        clients = new()
        {
            [Caller.Anonymous] = gateway.AnonymousClient(),
            [Caller.GarbageKey] = gateway.ClientWithKey("k-garbage.not-a-secret"),
            [Caller.Admin] = gateway.ClientFor(Demo.AdminGuangdong),
            [Caller.Ministry] = gateway.ClientFor(Demo.AdminMinistry),
            [Caller.WrongRegion] = gateway.ClientFor(Demo.AdminShenzhen),
            [Caller.Channel] = gateway.ClientFor(Demo.ChannelNationalApp),
            [Caller.NotTheHolder] = gateway.ClientFor(Demo.ChannelNationalApp),
            [Caller.WrongChannel] = gateway.ClientFor(Demo.ChannelBankApp),
            [Caller.Institution] = gateway.ClientFor(Demo.InstitutionSzSkillsSchool),
            [Caller.WrongInstitution] = gateway.ClientFor(Demo.InstitutionGzTechCollege),
        };
    }

    public WebApplicationFactory<Program> Gateway { get; }

    public HttpClient Admin => clients[Caller.Admin];

    public HttpClient Ministry => clients[Caller.Ministry];

    public HttpClient Channel => clients[Caller.Channel];

    public HttpClient School => clients[Caller.Institution];

    /// <summary>Active, enabled only for the national app, usable only at the Shenzhen school.</summary>
    public string BatchId { get; private set; } = "";

    /// <summary>Holds <see cref="Voucher"/>, unused.</summary>
    public TestPerson Holder { get; private set; } = TestPerson.New();

    public VoucherView Voucher { get; private set; } = null!;

    /// <summary>A voucher used at the school in <see cref="ClassId"/>, on <see cref="ApplicationId"/>.</summary>
    public VoucherView Used { get; private set; } = null!;

    public string ClassId { get; } = Identifiers.NewId("class");

    /// <summary>A session of <see cref="ClassId"/> open for check-ins now.</summary>
    public string SessionId { get; } = Identifiers.NewId("cs");

    public string ApplicationId { get; private set; } = "";

    /// <summary>A program of Guangzhou (region "4401"): the Guangdong admin reads it, the Shenzhen admin does not.</summary>
    public string GuangzhouProgramId { get; } = Identifiers.NewId("program");

    /// <summary>A key issued by the Guangdong admin for the Guangzhou college, to be listed but not by the Shenzhen admin.</summary>
    public string IssuedKeyId { get; private set; } = "";

    public static async Task<MatrixWorld> CreateAsync(WebApplicationFactory<Program> gateway)
    {
        var revoked = new Dictionary<Owner, HttpClient>();
        var world = new MatrixWorld(gateway, revoked);
        world.BatchId = (await world.Admin.CreateActiveBatchAsync(VoucherApi.NewBatch(quantity: 1000))).Id;
        world.Voucher = await world.Channel.ClaimAsync(world.Holder, world.BatchId);
        await world.PublishSessionAsync(world.SessionId);
        (_, world.Used) = await world.FreshUsedAsync();
        world.ApplicationId = await world.FreshApplicationAsync(approved: false, world.Used.Code);
        world.IssuedKeyId = await world.IssueKeyAsync(Demo.GzTechCollege);
        var program = await world.Admin.PostJsonAsync("/api/v1/admin/programs", new ProgramRequest(world.GuangzhouProgramId, "Matrix program", null, "4401"));
        Assert.Equal(HttpStatusCode.Created, program.StatusCode);
        foreach (var owner in Enum.GetValues<Owner>())
        {
            revoked[owner] = await world.RevokedClientAsync(owner);
        }

        return world;
    }

    public HttpClient ClientFor(Caller caller, Owner owner) =>
        caller == Caller.RevokedKey ? revoked[owner] : clients[caller];

    public async Task<string> FreshDraftBatchAsync()
    {
        var response = await Admin.PostJsonAsync("/api/v1/admin/batches", VoucherApi.NewBatch(quantity: 5));
        return (await VoucherApi.ReadAsync<BatchSnapshot>(response, HttpStatusCode.Created)).Id;
    }

    public async Task<string> FreshActiveBatchAsync() => (await Admin.CreateActiveBatchAsync(VoucherApi.NewBatch(quantity: 5))).Id;

    /// <summary>A new person holding a new, unused voucher of the matrix's batch.</summary>
    public async Task<(TestPerson Person, VoucherView Voucher)> FreshHolderAsync()
    {
        var person = TestPerson.New();
        return (person, await Channel.ClaimAsync(person, BatchId));
    }

    /// <summary>A new person whose voucher is used at the school in <see cref="ClassId"/>.</summary>
    public async Task<(TestPerson Person, VoucherView Voucher)> FreshUsedAsync()
    {
        var (person, voucher) = await FreshHolderAsync();
        var used = await School.PostJsonAsync($"/api/v1/institution/vouchers/{voucher.Code}/use", new UseRequest(null, ClassId));
        return (person, await VoucherApi.ReadAsync<VoucherView>(used, HttpStatusCode.OK));
    }

    /// <summary>A subsidy application of the school for <paramref name="codes"/>, approved when asked.</summary>
    public async Task<string> FreshApplicationAsync(bool approved, params string[] codes)
    {
        if (codes.Length == 0)
        {
            codes = [(await FreshUsedAsync()).Voucher.Code];
        }

        var application = await School.ApplyForSubsidyAsync(BatchId, codes);
        if (approved)
        {
            await Admin.ApproveAsync(application.Id, codes);
        }

        return application.Id;
    }

    public async Task PublishSessionAsync(string sessionId)
    {
        var now = DateTimeOffset.UtcNow;
        var response = await School.PostJsonAsync("/api/v1/institution/class-sessions",
            new ClassSessionRequest(sessionId, ClassId, null, "Matrix session", now.AddMinutes(-10), now.AddHours(2)));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    /// <summary>An institution API key issued by the Guangdong admin; returns its key id.</summary>
    public async Task<string> IssueKeyAsync(string institutionId)
    {
        var response = await Admin.PostJsonAsync("/api/v1/admin/api-keys", new ApiKeyRequest("institution", institutionId, "Matrix desk"));
        return (await VoucherApi.ReadAsync<ApiKeyResponse>(response, HttpStatusCode.Created)).KeyId;
    }

    /// <summary>A client with a key of the route's role (for channels a signing key) that was issued and then revoked.</summary>
    private async Task<HttpClient> RevokedClientAsync(Owner owner)
    {
        var (issuer, request) = owner switch
        {
            Owner.Admin => (Admin, new ApiKeyRequest("admin", "44", "Revoked admin")),
            Owner.Ministry => (Ministry, new ApiKeyRequest("admin", "", "Revoked ministry admin")),
            Owner.Channel => (Ministry, new ApiKeyRequest("channel", Demo.NationalApp, "Revoked signing key", "signingKey")),
            _ => (Admin, new ApiKeyRequest("institution", Demo.SzSkillsSchool, "Revoked desk")),
        };
        var issued = await VoucherApi.ReadAsync<ApiKeyResponse>(await issuer.PostJsonAsync("/api/v1/admin/api-keys", request), HttpStatusCode.Created);
        using var revokedAnswer = await issuer.PostAsync($"/api/v1/admin/api-keys/{issued.KeyId}/revoke", null);
        Assert.True(revokedAnswer.IsSuccessStatusCode, $"revoking {issued.KeyId}: {(int)revokedAnswer.StatusCode} {await revokedAnswer.Content.ReadAsStringAsync()}");
        return issued.ApiKey is { } apiKey ? Gateway.ClientWithKey(apiKey) : Gateway.SignedClient(issued.KeyId);
    }

    /// <summary>A check-in body for <paramref name="person"/> at the school, inside its radius, into <see cref="SessionId"/>.</summary>
    public CheckInBody CheckIn(TestPerson person) => new()
    {
        RequestId = VoucherApi.NewRequestId(),
        IdNumber = person.IdNumber,
        Attestation = VoucherApi.FreshAttestation(),
        InstitutionId = Demo.SzSkillsSchool,
        SessionId = SessionId,
        Latitude = SchoolLatitude,
        Longitude = SchoolLongitude,
        AccuracyMeters = 10,
    };
}
