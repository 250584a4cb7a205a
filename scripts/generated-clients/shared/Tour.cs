using System.Globalization;
using System.Security.Cryptography;
using System.Text;

/// <summary>
/// What the lifecycle tour of a generated client needs besides the client: where the engine is, the credentials the
/// zero-setup gateway prints, the person (a different one for each client, so both tours run against one gateway),
/// and a tally of the checks.
/// </summary>
static class Tour
{
    public static readonly string Url = Environment.GetEnvironmentVariable("VOUCHERS_URL") ?? "http://localhost:5080";
    public static readonly string SigningKeyId = Environment.GetEnvironmentVariable("VOUCHERS_SIGNING_KEY_ID") ?? "sign-national-app";
    public static readonly string SigningSecret = Environment.GetEnvironmentVariable("VOUCHERS_SIGNING_SECRET")
        ?? throw new InvalidOperationException("Set VOUCHERS_SIGNING_SECRET to the channel's signing secret.");
    public static readonly string InstitutionKey = Environment.GetEnvironmentVariable("VOUCHERS_INSTITUTION_KEY")
        ?? "inst-sz-skills-school.demo-inst-sz-skills-school";
    public static readonly string AdminKey = Environment.GetEnvironmentVariable("VOUCHERS_ADMIN_KEY") ?? "admin-guangdong.demo-admin-guangdong";
    public static readonly string IdNumber = Environment.GetEnvironmentVariable("VOUCHERS_ID_NUMBER")
        ?? throw new InvalidOperationException("Set VOUCHERS_ID_NUMBER to the person who claims.");
    public const string BatchId = "demo-electrician-2026";

    /// <summary>One run's request ids, so a second run against the same gateway is a new claim, not a replay.</summary>
    public static readonly string RunId = Guid.NewGuid().ToString("N")[..12];

    private static int failures;

    public static void Check(bool ok, string what)
    {
        Console.WriteLine($"  {(ok ? "ok  " : "FAIL")} {what}");
        if (!ok)
        {
            failures++;
        }
    }

    public static int Result() => failures == 0 ? 0 : 1;

    /// <summary>The scan of a mistyped code: its first character changed.</summary>
    public static string Mistyped(string code) => (code[0] == 'A' ? "B" : "A") + code[1..];

    public static HttpClient ApiKeyClient(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }
}

/// <summary>
/// Signs every request as docs/API.md "Signing channel requests" says (the handler of docs/INTEGRATING.md): HMAC-SHA256
/// over the method, the path and query, the time, a fresh nonce and the SHA-256 of the body as it goes on the wire.
/// </summary>
sealed class SigningHandler(string keyId, string secret) : DelegatingHandler(new HttpClientHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(ct);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var canonical = $"{request.Method.Method}\n{request.RequestUri!.PathAndQuery}\n{timestamp}\n{nonce}\n" +
                        $"{Convert.ToHexStringLower(SHA256.HashData(body))}\n";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Encoding.ASCII.GetBytes(secret), Encoding.UTF8.GetBytes(canonical)));
        request.Headers.TryAddWithoutValidation("Authorization",
            $"VOUCHERS-HMAC-SHA256 keyId=\"{keyId}\",timestamp=\"{timestamp}\",nonce=\"{nonce}\",signature=\"{signature}\"");
        return await base.SendAsync(request, ct);
    }
}
