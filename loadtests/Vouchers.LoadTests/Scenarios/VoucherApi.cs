using System.Text.Json;
using Vouchers.LoadTests.Transport;

namespace Vouchers.LoadTests.Scenarios;

/// <summary>What a run acts with: the admin's and the institution's API keys, and the channel's request-signing key.</summary>
public sealed record Credentials(Credential Admin, Credential Channel, Credential Institution)
{
    /// <summary>
    /// The zero-setup demo's keys, as its start-up banner prints them; the channel's secret is the one a gateway derives
    /// from the demo's Security:SigningMasterSecret (src/Gateway/appsettings.json) for key sign-national-app.
    /// </summary>
    public static Credentials Demo { get; } = new(
        new ApiKeyCredential("admin-guangdong.demo-admin-guangdong"),
        new SigningKeyCredential(DemoChannelKeyId, DemoChannelSecret),
        new ApiKeyCredential("inst-sz-skills-school.demo-inst-sz-skills-school"));

    public const string DemoChannelKeyId = "sign-national-app";
    public const string DemoChannelSecret = "4XaKc32tmpkgYepsqpPbTwy4FwzhaNlQvcpOaOzefRs";
}

/// <summary>
/// The voucher engine's HTTP contract, as far as the scenarios use it: bodies as JSON, over the run's
/// <see cref="HttpTransport"/>.
/// </summary>
public sealed class VoucherApi : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpTransport transport;

    public VoucherApi(Uri target, Credentials keys, HttpMessageHandler? handler = null)
    {
        Keys = keys;
        transport = new HttpTransport(target, handler);
    }

    public Credentials Keys { get; }

    public Uri Target => transport.Target;

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, Credential? credential, object? body, CancellationToken cancellationToken) =>
        await transport.SendAsync(method, path, credential, body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body, Json), cancellationToken);

    public Task<ApiResponse> GetAsync(string path, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, path, null, null, cancellationToken);

    /// <summary>Defines and activates a batch open for claims now (claim window now-1h..now+1d, 90 days valid).</summary>
    public async Task<string> CreateActiveBatchAsync(string title, int quantity, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var created = await SendAsync(HttpMethod.Post, "/api/v1/admin/batches", Keys.Admin, new
        {
            title,
            programId = "electrician-basic",
            eligibleInstitutionIds = new[] { "sz-skills-school" },
            eligibility = new { minAge = 16, maxAge = 65 },
            claimOpensAt = now.AddHours(-1),
            claimClosesAt = now.AddDays(1),
            daysValidAfterClaim = 90,
            quantity,
            subsidyAmount = 1500.00m,
            fundingSource = "就业补助资金 (load test)",
            enabledChannelIds = new[] { "national-app" },
            requiresCommitment = false,
        }, cancellationToken);
        var id = created.String("id");
        if (!created.IsSuccess || id is null)
        {
            throw new InvalidOperationException($"Creating a batch answered {created.Status}: {Text(created)}");
        }

        var activated = await SendAsync(HttpMethod.Post, $"/api/v1/admin/batches/{id}/activate", Keys.Admin, null, cancellationToken);
        if (!activated.IsSuccess)
        {
            throw new InvalidOperationException($"Activating batch {id} answered {activated.Status}: {Text(activated)}");
        }

        return id;
    }

    /// <summary>The batch's live counters (<c>counters.claimed</c>, <c>counters.quantity</c>, ...).</summary>
    public async Task<BatchCounters> GetCountersAsync(string batchId, CancellationToken cancellationToken = default)
    {
        var r = await SendAsync(HttpMethod.Get, $"/api/v1/admin/batches/{batchId}", Keys.Admin, null, cancellationToken);
        if (r.Status != 200)
        {
            throw new InvalidOperationException($"Reading batch {batchId} answered {r.Status}: {Text(r)}");
        }

        var counters = r.Json.TryGetProperty("counters", out var c) ? c : r.Json;
        return new BatchCounters(Int(counters, "quantity"), Int(counters, "claimed"), Int(counters, "used"), Int(counters, "redeemed"));
    }

    /// <summary>A claim as a channel sends it; the attestation is made now, so it is always fresh.</summary>
    public Task<ApiResponse> ClaimAsync(string batchId, Person person, string requestId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "/api/v1/channel/claims", Keys.Channel, new
        {
            requestId,
            batchId,
            idNumber = person.IdNumber,
            name = person.Name,
            attestation = new { method = "face", verifiedAt = DateTimeOffset.UtcNow },
            commitment = true,
        }, cancellationToken);

    public Task<ApiResponse> VerifyAsync(string code, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "/api/v1/institution/verifications", Keys.Institution, new { code }, cancellationToken);

    /// <summary>The person's wallet as the channel sees it; like a claim, it carries a fresh attestation of the person.</summary>
    public Task<ApiResponse> WalletAsync(Person person, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "/api/v1/channel/wallet", Keys.Channel, new
        {
            idNumber = person.IdNumber,
            attestation = new { method = "face", verifiedAt = DateTimeOffset.UtcNow },
        }, cancellationToken);

    public Task<ApiResponse> UseAsync(string code, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"/api/v1/institution/vouchers/{code}/use", Keys.Institution, null, cancellationToken);

    public Task<ApiResponse> ApplyForSubsidyAsync(string batchId, IReadOnlyList<string> codes, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "/api/v1/institution/subsidy-applications", Keys.Institution, new { batchId, codes }, cancellationToken);

    public Task<ApiResponse> ReviewAsync(string applicationId, IEnumerable<(string Code, bool Approve)> decisions, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"/api/v1/admin/subsidy-applications/{applicationId}/review", Keys.Admin,
            new { decisions = decisions.Select(d => new { code = d.Code, approve = d.Approve, reason = d.Approve ? null : "load test: attendance record missing" }) },
            cancellationToken);

    public Task<ApiResponse> DisburseAsync(string applicationId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"/api/v1/admin/subsidy-applications/{applicationId}/disburse", Keys.Admin, null, cancellationToken);

    /// <summary>The admin's statistics (<c>GET /api/v1/admin/statistics?…</c>) for a query string such as <c>region=44&amp;groupBy=city</c>.</summary>
    public Task<ApiResponse> StatisticsAsync(string query, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"/api/v1/admin/statistics?{query}", Keys.Admin, null, cancellationToken);

    public void Dispose() => transport.Dispose();

    public static string Text(ApiResponse r)
    {
        var text = System.Text.Encoding.UTF8.GetString(r.Body);
        return text.Length > 300 ? text[..300] + "…" : text;
    }

    private static int Int(JsonElement e, string property) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(property, out var v) && v.TryGetInt32(out var i) ? i : 0;
}

public sealed record BatchCounters(int Quantity, int Claimed, int Used, int Redeemed);
