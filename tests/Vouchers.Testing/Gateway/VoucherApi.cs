using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Gateway.Contracts;

namespace Vouchers.Testing.Gateway;

/// <summary>A person as a channel knows them: the raw ID number and the full name (both must stay out of responses).</summary>
public sealed record TestPerson(string IdNumber, string Name)
{
    private static int next;

    public static TestPerson New() =>
        new(IdNumbers.New(), $"欧阳测试{(char)('甲' + (Interlocked.Increment(ref next) % 10))}");
}

/// <summary>Bodies and calls of the gateway API, read and written as its clients do (camelCase, enums as camelCase strings).</summary>
public static class VoucherApi
{
    public static readonly JsonSerializerOptions Json = CreateJsonOptions();

    public const string ProblemContentType = "application/problem+json";

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
        var created = await admin.PostAsJsonAsync("/api/v1/admin/batches", batch, Json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var draft = await ReadAsync<BatchSnapshot>(created);
        var activated = await admin.PostAsync($"/api/v1/admin/batches/{draft.Id}/activate", null);
        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        var active = await ReadAsync<BatchSnapshot>(activated);
        Assert.Equal(BatchStatus.Active, active.Status);
        return active;
    }

    public static async Task<BatchSnapshot> GetBatchAsync(this HttpClient admin, string batchId)
    {
        var response = await admin.GetAsync($"/api/v1/admin/batches/{batchId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadAsync<BatchSnapshot>(response);
    }

    /// <summary>Claims and expects a fresh voucher.</summary>
    public static async Task<VoucherView> ClaimAsync(this HttpClient channel, TestPerson person, string batchId)
    {
        var response = await channel.PostAsJsonAsync("/api/v1/channel/claims", Claim(person, batchId), Json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadAsync<VoucherView>(response);
    }

    public static async Task<VerifyResponse> VerifyAsync(this HttpClient institution, string code)
    {
        var response = await institution.PostAsJsonAsync("/api/v1/institution/verifications", new VerifyRequest(code), Json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadAsync<VerifyResponse>(response);
    }

    public static Task<HttpResponseMessage> PostJsonAsync<T>(this HttpClient client, string path, T body) =>
        client.PostAsJsonAsync(path, body, Json);

    /// <summary>Sends <paramref name="json"/> byte for byte (for bodies a serializer would never write).</summary>
    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, string json, string contentType = "application/json") =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, contentType));

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response)
    {
        var value = await response.Content.ReadFromJsonAsync<T>(Json);
        Assert.NotNull(value);
        return value;
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
