using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vouchers.Domain;
using Vouchers.Gateway.Seeding;

namespace Vouchers.Integration.Tests.Infrastructure;

/// <summary>The gateway's HTTP API as the demo channel, institution and HR admin call it.</summary>
internal sealed class VoucherApi : IDisposable
{
    public const string Channel = "channel-national-app";
    public const string Institution = "inst-sz-skills-school";
    public const string InstitutionId = "sz-skills-school";
    public const string Admin = "admin-guangdong";
    public const string BatchId = DemoData.BatchId;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly HttpClient channel;
    private readonly HttpClient institution;
    private readonly HttpClient admin;

    public VoucherApi(GatewayFactory gateway)
    {
        channel = ClientFor(gateway, Channel);
        institution = ClientFor(gateway, Institution);
        admin = ClientFor(gateway, Admin);
    }

    public Task<HttpResponseMessage> PostClaimAsync(Person person, string requestId, string batchId = BatchId) =>
        channel.PostAsJsonAsync("/api/v1/channel/claims", new
        {
            requestId,
            batchId,
            idNumber = person.IdNumber,
            name = person.Name,
            attestation = Attestation(),
        }, Json);

    public async Task<VoucherDto> ClaimAsync(Person person) =>
        await ReadAsync<VoucherDto>(await PostClaimAsync(person, "req-" + Guid.NewGuid().ToString("N")), HttpStatusCode.OK);

    public async Task<VerifyDto> VerifyAsync(string code) =>
        await ReadAsync<VerifyDto>(await institution.PostAsJsonAsync("/api/v1/institution/verifications", new { code }, Json), HttpStatusCode.OK);

    public async Task<VoucherDto> UseAsync(string code) =>
        await ReadAsync<VoucherDto>(await institution.PostAsync(new Uri($"/api/v1/institution/vouchers/{code}/use", UriKind.Relative), null), HttpStatusCode.OK);

    public async Task<ApplicationDto> ApplyForSubsidyAsync(params string[] codes) =>
        await ReadAsync<ApplicationDto>(
            await institution.PostAsJsonAsync("/api/v1/institution/subsidy-applications", new { batchId = BatchId, codes }, Json), HttpStatusCode.Created);

    public async Task<ApplicationDto> ApproveAsync(string applicationId, params string[] codes) =>
        await ReadAsync<ApplicationDto>(await admin.PostAsJsonAsync($"/api/v1/admin/subsidy-applications/{applicationId}/review",
            new { decisions = codes.Select(code => new { code, approve = true, reason = "roster and attendance checked" }) }, Json), HttpStatusCode.OK);

    public async Task<ApplicationDto> DisburseAsync(string applicationId) =>
        await ReadAsync<ApplicationDto>(
            await admin.PostAsync(new Uri($"/api/v1/admin/subsidy-applications/{applicationId}/disburse", UriKind.Relative), null), HttpStatusCode.OK);

    public async Task<VoucherDto> ReturnAsync(Person person, string code) =>
        await ReadAsync<VoucherDto>(await channel.PostAsJsonAsync($"/api/v1/channel/vouchers/{code}/return",
            new { idNumber = person.IdNumber, attestation = Attestation() }, Json), HttpStatusCode.OK);

    public async Task<WalletDto> WalletAsync(Person person) =>
        await ReadAsync<WalletDto>(await channel.PostAsJsonAsync("/api/v1/channel/wallet", new { idNumber = person.IdNumber }, Json), HttpStatusCode.OK);

    public async Task<BatchDto> BatchAsync(string batchId = BatchId) =>
        await ReadAsync<BatchDto>(await admin.GetAsync(new Uri($"/api/v1/admin/batches/{batchId}", UriKind.Relative)), HttpStatusCode.OK);

    /// <summary>Creates and activates a batch of the demo program, open now for the demo channel; returns its id.</summary>
    public async Task<string> CreateActiveBatchAsync(int quantity)
    {
        var batch = new
        {
            title = $"Burst batch {Guid.NewGuid():N}",
            programId = DemoData.ProgramId,
            regionCode = "44",
            eligibleInstitutionIds = new[] { InstitutionId },
            claimOpensAt = DateTimeOffset.UtcNow.AddHours(-1),
            claimClosesAt = DateTimeOffset.UtcNow.AddDays(30),
            daysValidAfterClaim = 90,
            quantity,
            subsidyAmount = 800m,
            fundingSource = "就业补助资金",
        };
        var created = await ReadAsync<BatchDto>(await admin.PostAsJsonAsync("/api/v1/admin/batches", batch, Json), HttpStatusCode.Created);
        await ReadAsync<BatchDto>(await admin.PostAsync(new Uri($"/api/v1/admin/batches/{created.Id}/activate", UriKind.Relative), null), HttpStatusCode.OK);
        return created.Id;
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != expected)
            {
                throw new HttpRequestException(
                    $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode} instead of {(int)expected}: {body}",
                    null, response.StatusCode);
            }

            return JsonSerializer.Deserialize<T>(body, Json)
                ?? throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered an empty body.");
        }
    }

    public void Dispose()
    {
        channel.Dispose();
        institution.Dispose();
        admin.Dispose();
    }

    private static object Attestation() => new { method = "face", verifiedAt = DateTimeOffset.UtcNow };

    private static HttpClient ClientFor(GatewayFactory gateway, string keyId)
    {
        var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", $"{keyId}.demo-{keyId}");
        return client;
    }
}

/// <summary>A made-up adult from Shenzhen with a valid resident ID number (check digit included).</summary>
internal sealed record Person(string IdNumber, string Name)
{
    public static Person Number(int n)
    {
        var birth = new DateOnly(1990, 1, 1).AddDays(n / 900);
        var first17 = string.Create(CultureInfo.InvariantCulture, $"440304{birth:yyyyMMdd}{(n % 900) + 100:000}");
        return new Person(first17 + ResidentIdNumber.ComputeCheckCharacter(first17), $"测试{n}");
    }
}

internal sealed record VoucherDto(string Code, string BatchId, string Status, string? InstitutionId, string? ApplicationId);

internal sealed record VerifyDto(string Code, bool Valid, string Verdict, VoucherDto? Voucher);

internal sealed record WalletDto(string HolderIdNumber, VoucherDto[] Vouchers);

internal sealed record CountersDto(int Quantity, int Claimed, int Used, int Redeemed, int Returned, int Expired, int Remaining, decimal FundsCommitted, decimal FundsDisbursed);

internal sealed record BatchDto(string Id, string Status, CountersDto Counters);

internal sealed record SubsidyLineDto(string Code, string Status, decimal Amount);

internal sealed record ApplicationDto(string Id, string Status, SubsidyLineDto[] Lines);
