using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Gateway.Security;
using Vouchers.Http.Contracts;
using Vouchers.Http.Persons;

namespace Vouchers.Testing.Gateway;

/// <summary>
/// The gateway's HTTP API as its clients call it (camelCase, enums as camelCase strings), typed with the gateway's own
/// contracts: clients for a principal's API key, request bodies, the calls as extensions of the caller's
/// <see cref="HttpClient"/> (each expects its success status and returns the body), and readers of answers and problems.
/// </summary>
public static class VoucherApi
{
    public static readonly JsonSerializerOptions Json = CreateJsonOptions();

    public const string ProblemContentType = "application/problem+json";

    /// <summary>How long a verification may take to show in the institution's records.</summary>
    private static readonly TimeSpan RecordPatience = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A client of the demo principal <paramref name="keyId"/> (e.g. "admin-guangdong"): it sends the principal's demo
    /// API key, or, for a channel ("channel-national-app"), signs every request with the channel's demo signing key.
    /// </summary>
    public static HttpClient ClientFor(this WebApplicationFactory<Program> gateway, string keyId) =>
        Demo.SigningKeyOf(keyId) is { } signingKeyId ? gateway.SignedClient(signingKeyId) : gateway.ClientWithKey(Demo.ApiKey(keyId));

    /// <summary>A client that signs every request with signing key <paramref name="signingKeyId"/>, its secret as the gateway derives it.</summary>
    public static HttpClient SignedClient(this WebApplicationFactory<Program> gateway, string signingKeyId, TimeProvider? time = null) =>
        gateway.CreateDefaultClient(new SigningHandler(signingKeyId, gateway.SigningSecret(signingKeyId), time));

    /// <summary>The secret of a signing key as this gateway derives it (from its Security:SigningMasterSecret).</summary>
    public static string SigningSecret(this WebApplicationFactory<Program> gateway, string signingKeyId) =>
        gateway.Services.GetRequiredService<SigningKeys>().SecretFor(signingKeyId);

    /// <summary>A client that sends the demo API key of <paramref name="keyId"/> as it is, also for a channel (the zero-setup demo's way).</summary>
    public static HttpClient ApiKeyClientFor(this WebApplicationFactory<Program> gateway, string keyId) => gateway.ClientWithKey(Demo.ApiKey(keyId));

    /// <summary>A client that sends <paramref name="apiKey"/> verbatim in the X-Api-Key header.</summary>
    public static HttpClient ClientWithKey(this WebApplicationFactory<Program> gateway, string apiKey)
    {
        var client = gateway.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation(ApiKeys.HeaderName, apiKey);
        return client;
    }

    /// <summary>A client without an API key.</summary>
    public static HttpClient AnonymousClient(this WebApplicationFactory<Program> gateway) => gateway.CreateClient();

    /// <summary>Waits until the gateway's readiness check (a grain call through the cluster) answers 200.</summary>
    public static async Task WaitUntilReadyAsync(this WebApplicationFactory<Program> gateway, TimeSpan timeout)
    {
        using var client = gateway.CreateClient();
        var last = "";
        await Poll.UntilAsync(async () =>
        {
            using var response = await client.GetAsync("/health/ready");
            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            return response.StatusCode == HttpStatusCode.OK;
        }, timeout, () => $"/health/ready of the gateway to answer 200 (last: {last})");
    }

    public static AttestationRequest FreshAttestation() => new("face", DateTimeOffset.UtcNow);

    public static string NewRequestId() => Guid.NewGuid().ToString("N");

    /// <summary>A valid batch of the demo program, open now, usable at the Shenzhen school, offered by the national app.</summary>
    public static BatchRequest NewBatch(int quantity = 10, decimal subsidyAmount = 1234.5m) => new()
    {
        Title = $"Gateway test batch {Guid.NewGuid():N}",
        ProgramId = Demo.ProgramId,
        RegionCode = "44",
        EligibleInstitutionIds = [Demo.SzSkillsSchool],
        Eligibility = new EligibilityRequest { MinAge = 16, MaxAge = 65 },
        ClaimOpensAt = DateTimeOffset.UtcNow.AddHours(-1),
        ClaimClosesAt = DateTimeOffset.UtcNow.AddDays(30),
        DaysValidAfterClaim = 90,
        Quantity = quantity,
        SubsidyAmount = subsidyAmount,
        FundingSource = "就业补助资金",
        EnabledChannelIds = [Demo.NationalApp],
    };

    public static ClaimBody Claim(TestPerson person, string batchId, string? requestId = null) => new()
    {
        RequestId = requestId ?? NewRequestId(),
        BatchId = batchId,
        IdNumber = person.IdNumber,
        Name = person.Name,
        Attestation = FreshAttestation(),
    };

    /// <summary>Creates and activates a batch as <paramref name="admin"/>; returns the active batch.</summary>
    public static async Task<BatchSnapshot> CreateActiveBatchAsync(this HttpClient admin, BatchRequest batch)
    {
        var draft = await ReadAsync<BatchSnapshot>(await admin.PostJsonAsync("/api/v1/admin/batches", batch), HttpStatusCode.Created);
        var active = await ReadAsync<BatchSnapshot>(await admin.PostAsync($"/api/v1/admin/batches/{draft.Id}/activate", null), HttpStatusCode.OK);
        Assert.Equal(BatchStatus.Active, active.Status);
        return active;
    }

    public static async Task<BatchSnapshot> GetBatchAsync(this HttpClient admin, string batchId) =>
        await ReadAsync<BatchSnapshot>(await admin.GetAsync($"/api/v1/admin/batches/{batchId}"), HttpStatusCode.OK);

    /// <summary>Approves the listed lines of a subsidy application.</summary>
    public static async Task<SubsidyApplicationView> ApproveAsync(this HttpClient admin, string applicationId, params string[] codes) =>
        await ReadAsync<SubsidyApplicationView>(
            await admin.PostJsonAsync($"/api/v1/admin/subsidy-applications/{applicationId}/review",
                new ReviewRequest([.. codes.Select(code => new ReviewDecision(code, true, "roster and attendance checked"))])),
            HttpStatusCode.OK);

    public static async Task<SubsidyApplicationView> DisburseAsync(this HttpClient admin, string applicationId) =>
        await ReadAsync<SubsidyApplicationView>(await admin.PostAsync($"/api/v1/admin/subsidy-applications/{applicationId}/disburse", null), HttpStatusCode.OK);

    /// <summary>Sends a claim of <paramref name="person"/> and returns the answer, whatever it is.</summary>
    public static Task<HttpResponseMessage> PostClaimAsync(this HttpClient channel, TestPerson person, string batchId, string requestId) =>
        channel.PostJsonAsync("/api/v1/channel/claims", Claim(person, batchId, requestId));

    /// <summary>Claims and expects a fresh voucher.</summary>
    public static async Task<VoucherView> ClaimAsync(this HttpClient channel, TestPerson person, string batchId) =>
        await ReadAsync<VoucherView>(await channel.PostJsonAsync("/api/v1/channel/claims", Claim(person, batchId)), HttpStatusCode.OK);

    public static async Task<VoucherView> ReturnAsync(this HttpClient channel, TestPerson person, string code) =>
        await ReadAsync<VoucherView>(
            await channel.PostJsonAsync($"/api/v1/channel/vouchers/{code}/return", new ReturnRequest(person.IdNumber, FreshAttestation())), HttpStatusCode.OK);

    /// <summary>The body of a wallet read: the person and a fresh attestation of them.</summary>
    public static WalletRequest Wallet(TestPerson person) => new(person.IdNumber, FreshAttestation());

    /// <summary>Reads the person's wallet as the channel sees it (vouchers of batches that enable the channel).</summary>
    public static async Task<WalletResponse> WalletAsync(this HttpClient channel, TestPerson person) =>
        await ReadAsync<WalletResponse>(await channel.PostJsonAsync("/api/v1/channel/wallet", Wallet(person)), HttpStatusCode.OK);

    /// <summary>Asks for the QR code of <paramref name="code"/> for <paramref name="person"/> and returns the answer, whatever it is.</summary>
    public static Task<HttpResponseMessage> PostQrAsync(this HttpClient channel, TestPerson person, string code) =>
        channel.PostJsonAsync($"/api/v1/channel/vouchers/{code}/qr", new QrRequest(person.IdNumber, FreshAttestation()));

    public static async Task<VerifyResponse> VerifyAsync(this HttpClient institution, string code) =>
        await ReadAsync<VerifyResponse>(await institution.PostJsonAsync("/api/v1/institution/verifications", new VerifyRequest(code)), HttpStatusCode.OK);

    /// <summary>Enrols the holder of <paramref name="code"/> (an offline use, without course or class).</summary>
    public static async Task<VoucherView> UseAsync(this HttpClient institution, string code) =>
        await ReadAsync<VoucherView>(await institution.PostAsync($"/api/v1/institution/vouchers/{code}/use", null), HttpStatusCode.OK);

    public static async Task<SubsidyApplicationView> ApplyForSubsidyAsync(this HttpClient institution, string batchId, params string[] codes) =>
        await ReadAsync<SubsidyApplicationView>(
            await institution.PostJsonAsync("/api/v1/institution/subsidy-applications", new SubsidyApplicationRequest(batchId, codes)), HttpStatusCode.Created);

    /// <summary>One page of the caller's records; <paramref name="query"/> is the query string without '?'.</summary>
    public static async Task<VerificationRecordsResponse> RecordsAsync(this HttpClient institution, string query = "") =>
        await ReadAsync<VerificationRecordsResponse>(
            await institution.GetAsync("/api/v1/institution/verification-records" + (query.Length > 0 ? "?" + query : "")), HttpStatusCode.OK);

    /// <summary>
    /// The caller's records (up to 200) once there are at least <paramref name="count"/>: verifications are recorded
    /// after they are answered, so their records are polled for, with a deadline.
    /// </summary>
    public static Task<IReadOnlyList<VerificationRecordView>> RecordsWhenAsync(this HttpClient institution, int count, string query = "limit=200") =>
        Poll.UntilAsync(async () => (await institution.RecordsAsync(query)).Records, records => records.Count >= count,
            RecordPatience, records => $"{count} records (found {records.Count})");

    /// <summary>POST with an X-Device-Id header.</summary>
    public static Task<HttpResponseMessage> PostFromDeviceAsync<T>(this HttpClient client, string path, T? body, string device)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        request.Headers.TryAddWithoutValidation("X-Device-Id", device);
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostJsonAsync<T>(this HttpClient client, string path, T body) =>
        client.PostAsJsonAsync(path, body, Json);

    public static Task<HttpResponseMessage> PutJsonAsync<T>(this HttpClient client, string path, T body) =>
        client.PutAsJsonAsync(path, body, Json);

    /// <summary>Sends <paramref name="json"/> byte for byte (for bodies a serializer would never write).</summary>
    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, string json, string contentType = "application/json") =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, contentType));

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response)
    {
        var value = await response.Content.ReadFromJsonAsync<T>(Json);
        Assert.NotNull(value);
        return value;
    }

    /// <summary>Asserts the status of <paramref name="response"/> (showing the body when it is another), reads the body and disposes the response.</summary>
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            if (response.StatusCode != expected)
            {
                Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode} " +
                    $"instead of {(int)expected}: {await response.Content.ReadAsStringAsync()}");
            }

            return await ReadAsync<T>(response);
        }
    }

    /// <summary>Asserts a problem-details response (RFC 9457) of the given status and returns its body.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal(ProblemContentType, response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>Asserts a 400 validation problem whose errors name <paramref name="field"/>; returns the body.</summary>
    public static async Task<JsonElement> ValidationProblemAsync(HttpResponseMessage response, string field)
    {
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("urn:vouchers:problem:validation", problem.GetProperty("type").GetString());
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages),
            $"Expected an error for '{field}', got: {errors.GetRawText()}");
        Assert.True(messages.GetArrayLength() > 0);
        return problem;
    }

    /// <summary>A well-formed code (right length, alphabet and check character) that no voucher has.</summary>
    public static string UnknownCode() => VoucherCode.New();

    /// <summary>A code of the right length and alphabet whose check character is wrong.</summary>
    public static string CodeWithWrongCheckCharacter()
    {
        var valid = VoucherCode.New();
        var wrong = valid[^1] == '0' ? '1' : '0';
        return valid[..^1] + wrong;
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        return options;
    }
}
