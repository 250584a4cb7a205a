using System.Net;
using System.Net.Http.Json;
using Vouchers.Gateway.Contracts;

namespace Vouchers.Testing.Gateway;

/// <summary>An institution a test registers for itself, with its own API key, so its records are the test's alone.</summary>
public sealed record TestInstitution(string Id, string KeyId, HttpClient Client);

/// <summary>Institutions of a test's own, their records, and requests from a device.</summary>
public static class Institutions
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>Registers a Shenzhen institution (as the Guangdong admin) and issues an institution key for it.</summary>
    public static async Task<TestInstitution> NewAsync(GatewayFactory gateway)
    {
        var admin = gateway.ClientFor(Demo.AdminGuangdong);
        var id = "inst-" + Guid.NewGuid().ToString("N")[..20];
        var created = await admin.PostJsonAsync("/api/v1/admin/institutions",
            new InstitutionRequest(id, "测试职业培训学校", "440304", "深圳市福田区", 22.54, 114.06, 300));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var issued = await admin.PostJsonAsync("/api/v1/admin/api-keys", new ApiKeyRequest("institution", id, "前台 front desk"));
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var key = await VoucherApi.ReadAsync<ApiKeyResponse>(issued);
        return new TestInstitution(id, key.KeyId, gateway.ClientWithKey(key.ApiKey));
    }

    /// <summary>One page of the caller's records; <paramref name="query"/> is the query string without '?'.</summary>
    public static async Task<VerificationRecordsResponse> RecordsAsync(this HttpClient institution, string query = "")
    {
        var response = await institution.GetAsync("/api/v1/institution/verification-records" + (query.Length > 0 ? "?" + query : ""));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return await VoucherApi.ReadAsync<VerificationRecordsResponse>(response);
    }

    /// <summary>
    /// The caller's records (up to 200) once there are at least <paramref name="count"/>: verifications are recorded
    /// after they are answered, so their records are polled for, with a deadline.
    /// </summary>
    public static Task<IReadOnlyList<VerificationRecordView>> RecordsWhenAsync(this HttpClient institution, int count, string query = "limit=200") =>
        Poll.UntilAsync(async () => (await institution.RecordsAsync(query)).Records, records => records.Count >= count,
            Patience, records => $"{count} records (found {records.Count})");

    /// <summary>POST with an X-Device-Id header.</summary>
    public static Task<HttpResponseMessage> PostFromDeviceAsync<T>(this HttpClient client, string path, T? body, string device)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: VoucherApi.Json);
        }

        request.Headers.TryAddWithoutValidation("X-Device-Id", device);
        return client.SendAsync(request);
    }

    public static string Masked(string code) => code[..4] + "…" + code[^4..];
}
