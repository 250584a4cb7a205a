using System.Net;
using Vouchers.Http.Contracts;

namespace Vouchers.Testing.Gateway;

/// <summary>An institution a test registers for itself, with its own API key, so its records are the test's alone.</summary>
public sealed record TestInstitution(string Id, string KeyId, HttpClient Client);

/// <summary>Institutions of a test's own, and how their records show codes.</summary>
public static class Institutions
{
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
        return new TestInstitution(id, key.KeyId, gateway.ClientWithKey(key.ApiKey!));
    }

    public static string Masked(string code) => code[..4] + "…" + code[^4..];
}
