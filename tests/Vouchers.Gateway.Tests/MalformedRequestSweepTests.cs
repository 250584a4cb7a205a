using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vouchers.Contracts;
using Vouchers.Http.Contracts;
using Vouchers.Testing.Gateway;
using Vouchers.Testing.Security;

namespace Vouchers.Gateway.Tests;

/// <summary>
/// Sends dozens of malformed requests to every route: none may fail with a 5xx, and every error is a problem
/// details document (RFC 9457) without a stack trace.
/// </summary>
public sealed class MalformedRequestSweepTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private const string Json = "application/json";

    /// <summary>Bodies every route with a body gets; unknown properties are ignored, so one list covers all routes.</summary>
    private static readonly string[] MalformedBodies =
    [
        "",
        " ",
        "{",
        "}",
        "[]",
        "null",
        "42",
        "\"text\"",
        "true",
        "{}",
        """{"a":}""",
        """{"title": "t",}""",
        """{'title': 'single quotes'}""",
        """{"title": "t" "programId": "p"}""",
        string.Concat(Enumerable.Repeat("""{"x":""", 200)) + "1" + new string('}', 200),
        new string('[', 2000) + new string(']', 2000),
        """{"quantity": "abc", "amount": "abc", "approve": "yes"}""",
        """{"quantity": 1e400, "subsidyAmount": 1e400, "amount": 1e400}""",
        """{"quantity": 2147483648, "amount": -2147483649, "subsidyAmount": 79228162514264337593543950336}""",
        """{"claimOpensAt": "yesterday", "verifiedAt": "now"}""",
        """{"claimOpensAt": "0001-01-01T00:00:00+14:00"}""",
        """{"title": 123, "programId": [], "regionCode": {}, "requestId": 5, "idNumber": 440305199003072319, "code": 7, "batchId": true}""",
        """{"idNumbers": [null, 42], "codes": [null, ""], "decisions": [null], "eligibleInstitutionIds": [null], "targetGroups": [null]}""",
        """{"decisions": [{}], "codes": [], "idNumbers": []}""",
        """{"decisions": [{"code": null, "approve": null, "reason": null}]}""",
        """{"decisions": "approve all", "codes": "ABC", "idNumbers": "440305199003072319"}""",
        """{"attestation": "face", "eligibility": "everyone"}""",
        """{"attestation": null, "eligibility": null, "targetGroups": null}""",
        """{"attestation": {"method": null, "verifiedAt": "0001-01-01T00:00:00Z"}}""",
        """{"attestation": {"method": "face", "verifiedAt": "9999-12-31T23:59:59Z"}}""",
        """{"idNumber": "\u0000\u0001\u001f", "name": "\u0000", "code": "\u0000", "requestId": "\u0000"}""",
        """{"name": "\ud800", "title": "\udfff"}""",
        """{"title": "t", "title": 5}""",
        """{"eligibility": {"minAge": 2147483647, "maxAge": -2147483648, "regionPrefixes": [null, "4"], "targetGroups": [1]}}""",
        "{\"name\": \"" + new string('x', 60_000) + "\"}",
    ];

    [Fact]
    public async Task NoMalformedRequestToAnyRouteFailsWithAServerErrorOrWithoutAProblemDocument()
    {
        var resources = await CreateResourcesAsync();
        var probes = Probes(resources).ToList();

        var failures = new List<string>();
        var perRoute = new Dictionary<string, int>();
        foreach (var probe in probes)
        {
            perRoute[probe.Route] = perRoute.GetValueOrDefault(probe.Route) + 1;
            using var response = await gateway.ClientFor(probe.KeyId).SendAsync(probe.ToRequest());
            var body = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            if (status >= 500)
            {
                failures.Add($"{status} for {probe}: {Shorten(body)}");
            }
            else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != VoucherApi.ProblemContentType)
            {
                failures.Add($"{status} as '{response.Content.Headers.ContentType}' (not a problem) for {probe}: {Shorten(body)}");
            }
            else if (body.Contains("Exception", StringComparison.Ordinal) || body.Contains("   at ", StringComparison.Ordinal))
            {
                failures.Add($"{status} with what looks like a stack trace for {probe}: {Shorten(body)}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {probes.Count} requests failed:\n" + string.Join("\n", failures.Take(40)));
        Assert.Equal(Routes.Length, perRoute.Count);
        Assert.All(perRoute, route => Assert.True(route.Value >= 30, $"{route.Key} got only {route.Value} requests"));

        // The engine still works after the sweep.
        Assert.Equal(HttpStatusCode.OK, (await gateway.AnonymousClient().GetAsync("/health/ready")).StatusCode);
        var demo = await gateway.ClientFor(Demo.AdminGuangdong).GetBatchAsync(Demo.BatchId);
        Assert.Equal(BatchStatus.Active, demo.Status);
    }

    [Fact]
    public void SweepCoversEveryApiRouteTheGatewayMaps()
    {
        var mapped = ApiRouteShapes.Mapped(gateway.Services.GetRequiredService<EndpointDataSource>());
        var swept = Routes.Select(r => ApiRouteShapes.Of(r.Method, r.Template)).ToHashSet();

        Assert.NotEmpty(mapped);
        Assert.Empty(mapped.Except(swept));
        Assert.Empty(swept.Except(mapped));
    }


    private sealed record Resources(string BatchId, string Code, string ApplicationId, string ClassId, string SessionId);

    private sealed record Route(string KeyId, string Method, string Template, bool HasBody);

    private sealed record Probe(string Route, string KeyId, string Method, string Path, string? Body, string? ContentType)
    {
        public HttpRequestMessage ToRequest()
        {
            var request = new HttpRequestMessage(new HttpMethod(Method), Path);
            if (Body is not null)
            {
                var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Body));
                if (ContentType is not null)
                {
                    content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
                }

                request.Content = content;
            }

            return request;
        }

        public override string ToString() => $"{KeyId} {Method} {Path} [{ContentType}] {Shorten(Body ?? "(no body)")}";
    }

    private static readonly Route[] Routes =
    [
        new(Demo.AdminGuangdong, "POST", "/api/v1/admin/batches", true),
        new(Demo.AdminGuangdong, "GET", "/api/v1/admin/batches", false),
        new(Demo.AdminGuangdong, "GET", "/api/v1/admin/batches/{batch}", false),
        new(Demo.AdminGuangdong, "PUT", "/api/v1/admin/batches/{batch}", true),
        new(Demo.AdminGuangdong, "POST", "/api/v1/admin/batches/{batch}/activate", false),
        new(Demo.AdminGuangdong, "POST", "/api/v1/admin/batches/{batch}/pause", false),
        new(Demo.AdminGuangdong, "POST", "/api/v1/admin/batches/{batch}/close", false),
        new(Demo.AdminGuangdong, "POST", "/api/v1/admin/batches/{batch}/quantity", true),
        new(Demo.AdminGuangdong, "POST", "/api/v1/admin/batches/{batch}/targets", true),
        new(Demo.AdminGuangdong, "POST", "/api/v1/admin/programs", true),
        new(Demo.AdminGuangdong, "GET", "/api/v1/admin/programs/{batch}", false),
        new(Demo.AdminGuangdong, "POST", "/api/v1/admin/institutions", true),
        new(Demo.AdminGuangdong, "GET", "/api/v1/admin/institutions/{batch}", false),
        new(Demo.AdminMinistry, "POST", "/api/v1/admin/channels", true),
        new(Demo.AdminMinistry, "GET", "/api/v1/admin/channels/{batch}", false),
        new(Demo.AdminGuangdong, "POST", "/api/v1/admin/api-keys", true),
        new(Demo.AdminGuangdong, "GET", "/api/v1/admin/api-keys", false),
        new(Demo.AdminGuangdong, "POST", "/api/v1/admin/api-keys/{batch}/revoke", false), // never a real key: nothing is revoked
        new(Demo.AdminGuangdong, "POST", "/api/v1/admin/api-keys/{batch}/rotate", true),
        new(Demo.AdminGuangdong, "GET", "/api/v1/admin/audit", false),
        new(Demo.AdminGuangdong, "GET", "/api/v1/admin/audit.csv", false),
        new(Demo.AdminGuangdong, "GET", "/api/v1/admin/statistics", false),
        new(Demo.AdminGuangdong, "GET", "/api/v1/admin/statistics.csv", false),
        new(Demo.AdminGuangdong, "GET", "/api/v1/admin/batches/{batch}/subsidy-applications", false),
        new(Demo.AdminGuangdong, "GET", "/api/v1/admin/subsidy-applications/{application}", false),
        new(Demo.AdminGuangdong, "POST", "/api/v1/admin/subsidy-applications/{application}/review", true),
        new(Demo.AdminGuangdong, "POST", "/api/v1/admin/subsidy-applications/{application}/disburse", false),
        new(Demo.ChannelNationalApp, "GET", "/api/v1/channel/batches", false),
        new(Demo.ChannelNationalApp, "POST", "/api/v1/channel/claims", true),
        new(Demo.ChannelNationalApp, "POST", "/api/v1/channel/wallet", true),
        new(Demo.ChannelNationalApp, "POST", "/api/v1/channel/vouchers/{code}/return", true),
        new(Demo.ChannelNationalApp, "POST", "/api/v1/channel/vouchers/{code}/use", true),
        new(Demo.ChannelNationalApp, "POST", "/api/v1/channel/vouchers/{code}/qr", true),
        new(Demo.InstitutionSzSkillsSchool, "POST", "/api/v1/institution/verifications", true),
        new(Demo.InstitutionSzSkillsSchool, "POST", "/api/v1/institution/vouchers/{code}/use", true),
        new(Demo.InstitutionSzSkillsSchool, "POST", "/api/v1/institution/subsidy-applications", true),
        new(Demo.InstitutionSzSkillsSchool, "GET", "/api/v1/institution/subsidy-applications/{application}", false),
        new(Demo.InstitutionSzSkillsSchool, "POST", "/api/v1/institution/class-sessions", true),
        new(Demo.InstitutionSzSkillsSchool, "GET", "/api/v1/institution/class-sessions?classId={class}", false),
        new(Demo.InstitutionSzSkillsSchool, "GET", "/api/v1/institution/class-sessions/{session}", false),
        new(Demo.InstitutionSzSkillsSchool, "GET", "/api/v1/institution/class-sessions/{session}/attendance", false),
        new(Demo.InstitutionSzSkillsSchool, "GET", "/api/v1/institution/attendance?classId={class}", false),
        new(Demo.InstitutionSzSkillsSchool, "GET", "/api/v1/institution/vouchers/{code}/attendance", false),
        new(Demo.ChannelNationalApp, "POST", "/api/v1/channel/check-ins", true),
        new(Demo.InstitutionSzSkillsSchool, "GET", "/api/v1/institution/me", false),
        new(Demo.InstitutionSzSkillsSchool, "GET", "/api/v1/institution/verification-records", false),
        new(Demo.InstitutionSzSkillsSchool, "GET", "/api/v1/institution/verification-records.csv", false),
    ];

    /// <summary>Route values no id or code can have (each is a valid URL segment once escaped).</summary>
    private static readonly string[] MalformedSegments =
    [
        "x", "A", "UPPER-CASE", "-leading-hyphen", "under_score", "%20", "%2E%2E", "%01", "%FF", "%C0%AF", "a%2Fb",
        "%0D%0AX-Injected:%201", new string('a', 65), new string('7', 300), "%E5%88%B8", "%F0%9F%98%80", "null", "0",
        "..%5C..%5Cetc", "%25", "'%20OR%201=1--", "%3Cscript%3E", VoucherApi.CodeWithWrongCheckCharacter(), "0000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000000000000", "0-0-0-0", "demo-electrician-2026%7F",
        "%22%7D", "~", "$.x", "a.b",
    ];

    private static readonly string?[] ContentTypes =
    [
        null, "text/plain", "application/xml", "application/json; charset=utf-16", "application/json; charset=nonsense",
        "application/x-www-form-urlencoded", "multipart/form-data", "application/json-patch+json", "*/*", "application/json; charset=",
    ];

    private static IEnumerable<Probe> Probes(Resources r)
    {
        foreach (var route in Routes)
        {
            var path = Fill(route.Template, r.BatchId, r.Code, r.ApplicationId, r.ClassId, r.SessionId);
            var name = $"{route.Method} {route.Template}";

            // Malformed route values (ids and codes), with an empty object as the body where one is expected.
            foreach (var segment in MalformedSegments.Where(_ => route.Template.Contains('{', StringComparison.Ordinal)))
            {
                yield return new(name, route.KeyId, route.Method, Fill(route.Template, segment, segment, segment, segment, segment), route.HasBody ? "{}" : null, route.HasBody ? Json : null);
            }

            // Junk query strings and unexpected methods.
            yield return new(name, route.KeyId, route.Method, path + "?" + new string('q', 5000) + "=%ZZ", route.HasBody ? "{}" : null, route.HasBody ? Json : null);
            yield return new(name, route.KeyId, "DELETE", path, null, null);
            yield return new(name, route.KeyId, "PATCH", path, "{}", Json);

            if (route.HasBody)
            {
                foreach (var body in MalformedBodies)
                {
                    yield return new(name, route.KeyId, route.Method, path, body, Json);
                }

                foreach (var contentType in ContentTypes)
                {
                    yield return new(name, route.KeyId, route.Method, path, """{"code": "x"}""", contentType);
                }

                yield return new(name, route.KeyId, route.Method, path, "{\"name\": \"" + new string('x', 70_000) + "\"}", Json);
            }
            else
            {
                // Routes without a body get bodies anyway, and route values that are nearly right.
                foreach (var body in MalformedBodies)
                {
                    yield return new(name, route.KeyId, route.Method, path, body, Json);
                }

                foreach (var segment in new[] { r.BatchId.ToUpperInvariant(), r.Code.ToLowerInvariant(), r.Code[..^1], r.Code + "0", r.ApplicationId + "-", r.SessionId.ToUpperInvariant() })
                {
                    yield return new(name, route.KeyId, route.Method, Fill(route.Template, segment, segment, segment, segment, segment), null, null);
                }
            }
        }
    }

    /// <summary>A batch of the test's own with a used voucher on a subsidy application, so routes reach past their lookups.</summary>
    private async Task<Resources> CreateResourcesAsync()
    {
        var admin = gateway.ClientFor(Demo.AdminGuangdong);
        var batch = await admin.CreateActiveBatchAsync(VoucherApi.NewBatch(quantity: 5));
        var voucher = await gateway.ClientFor(Demo.ChannelNationalApp).ClaimAsync(TestPerson.New(), batch.Id);
        var institution = gateway.ClientFor(Demo.InstitutionSzSkillsSchool);
        Assert.Equal(HttpStatusCode.OK, (await institution.PostAsync($"/api/v1/institution/vouchers/{voucher.Code}/use", null)).StatusCode);
        var applied = await institution.PostAsJsonAsync("/api/v1/institution/subsidy-applications", new SubsidyApplicationRequest(batch.Id, [voucher.Code]), VoucherApi.Json);
        var application = await VoucherApi.ReadAsync<SubsidyApplicationView>(applied);
        var published = await institution.PostAsJsonAsync("/api/v1/institution/class-sessions",
            new ClassSessionRequest("sweep-session", "sweep-class", null, "Sweep", DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1)), VoucherApi.Json);
        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        return new Resources(batch.Id, voucher.Code, application.Id, "sweep-class", "sweep-session");
    }

    private static string Fill(string template, string batch, string code, string application, string classId, string session) =>
        template.Replace("{batch}", batch, StringComparison.Ordinal)
            .Replace("{code}", code, StringComparison.Ordinal)
            .Replace("{application}", application, StringComparison.Ordinal)
            .Replace("{class}", classId, StringComparison.Ordinal)
            .Replace("{session}", session, StringComparison.Ordinal);

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + "…";
}
