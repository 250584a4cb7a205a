using System.Net;
using Vouchers.Http.Contracts;

namespace Vouchers.Testing.Gateway;

/// <summary>The admin API's key lifecycle and audit trail, as calls of an admin's <see cref="HttpClient"/> (see <see cref="VoucherApi"/>).</summary>
public static class AdminApi
{
    public const string Keys = "/api/v1/admin/api-keys";

    /// <summary>Issues a key and expects 201.</summary>
    public static async Task<ApiKeyResponse> IssueKeyAsync(this HttpClient admin, ApiKeyRequest request) =>
        await VoucherApi.ReadAsync<ApiKeyResponse>(await admin.PostJsonAsync(Keys, request), HttpStatusCode.Created);

    /// <summary>Issues an institution's API key and expects 201.</summary>
    public static Task<ApiKeyResponse> IssueInstitutionKeyAsync(this HttpClient admin, string institutionId, DateTimeOffset? expiresAt = null) =>
        admin.IssueKeyAsync(new ApiKeyRequest("institution", institutionId, "前台 front desk", ExpiresAt: expiresAt));

    public static Task<HttpResponseMessage> PostRevokeAsync(this HttpClient admin, string keyId) =>
        admin.PostAsync($"{Keys}/{keyId}/revoke", null);

    public static async Task<KeyView> RevokeKeyAsync(this HttpClient admin, string keyId) =>
        await VoucherApi.ReadAsync<KeyView>(await admin.PostRevokeAsync(keyId), HttpStatusCode.OK);

    public static Task<HttpResponseMessage> PostRotateAsync(this HttpClient admin, string keyId, RotateKeyRequest? request = null) =>
        request is null ? admin.PostAsync($"{Keys}/{keyId}/rotate", null) : admin.PostJsonAsync($"{Keys}/{keyId}/rotate", request);

    public static async Task<RotatedKeyResponse> RotateKeyAsync(this HttpClient admin, string keyId, RotateKeyRequest? request = null) =>
        await VoucherApi.ReadAsync<RotatedKeyResponse>(await admin.PostRotateAsync(keyId, request), HttpStatusCode.Created);

    /// <summary>The keys the admin sees; <paramref name="query"/> is the query string without '?'.</summary>
    public static async Task<KeyView[]> ListKeysAsync(this HttpClient admin, string query = "") =>
        await VoucherApi.ReadAsync<KeyView[]>(await admin.GetAsync(Keys + (query.Length > 0 ? "?" + query : "")), HttpStatusCode.OK);

    /// <summary>One page of the audit trail the admin sees; <paramref name="query"/> is the query string without '?'.</summary>
    public static async Task<AuditRecordsResponse> AuditAsync(this HttpClient admin, string query = "") =>
        await VoucherApi.ReadAsync<AuditRecordsResponse>(
            await admin.GetAsync("/api/v1/admin/audit" + (query.Length > 0 ? "?" + query : "")), HttpStatusCode.OK);

    /// <summary>Whether the key is let in: 200 or 401 on a route its role may call (an institution's /me, an admin's batch list).</summary>
    public static async Task<HttpStatusCode> ProbeAsync(this HttpClient client, bool institution)
    {
        using var response = await client.GetAsync(institution ? "/api/v1/institution/me" : "/api/v1/admin/batches");
        return response.StatusCode;
    }
}
