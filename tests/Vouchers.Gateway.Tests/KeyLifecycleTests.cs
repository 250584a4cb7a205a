using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Vouchers.Contracts;
using Vouchers.Gateway.Security;
using Vouchers.Http.Contracts;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>Keys are issued with their issuer and expiry, listed within the admin's region, revoked and rotated.</summary>
public sealed class KeyLifecycleTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private HttpClient Ministry => gateway.ClientFor(Demo.AdminMinistry);

    private HttpClient Guangdong => gateway.ClientFor(Demo.AdminGuangdong);

    private HttpClient Shenzhen => gateway.ClientFor(Demo.AdminShenzhen);

    [Fact]
    public async Task AnIssuedKeyIsListedWithItsIssuerTimeAndExpiryAndNeverWithASecret()
    {
        var expiresAt = DateTimeOffset.UtcNow.AddDays(30);
        var before = DateTimeOffset.UtcNow;

        var issued = await Guangdong.IssueInstitutionKeyAsync(Demo.SzSkillsSchool, expiresAt);

        Assert.StartsWith(issued.KeyId + ".", issued.ApiKey, StringComparison.Ordinal);
        Assert.Equal((CredentialKind.ApiKey, Demo.AdminGuangdong, null), (issued.Kind, issued.IssuedBy, issued.SigningSecret));
        var listed = await Guangdong.GetAsync($"{AdminApi.Keys}?scope={Demo.SzSkillsSchool}");
        var text = await listed.Content.ReadAsStringAsync();
        Assert.DoesNotContain(issued.ApiKey![(issued.KeyId.Length + 1)..], text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("hash", text, StringComparison.OrdinalIgnoreCase);
        var key = Assert.Single(await VoucherApi.ReadAsync<KeyView[]>(listed, HttpStatusCode.OK), k => k.KeyId == issued.KeyId);
        Assert.Equal((PrincipalRole.Institution, Demo.SzSkillsSchool, "440304", Demo.AdminGuangdong, true),
            (key.Role, key.Scope, key.RegionCode, key.IssuedBy, key.Active));
        Assert.InRange(key.IssuedAt!.Value, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(expiresAt, key.ExpiresAt!.Value, TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.OK, await gateway.ClientWithKey(issued.ApiKey!).ProbeAsync(institution: true));
    }

    [Fact]
    public async Task AnAdminListsOnlyTheKeysOfItsRegion()
    {
        var ministry = (await Ministry.ListKeysAsync()).Select(k => k.KeyId).ToHashSet();
        var guangdong = (await Guangdong.ListKeysAsync()).Select(k => k.KeyId).ToHashSet();
        var shenzhen = (await Shenzhen.ListKeysAsync()).Select(k => k.KeyId).ToHashSet();

        string[] all = [Demo.AdminMinistry, Demo.AdminGuangdong, Demo.AdminShenzhen, Demo.ChannelNationalApp, Demo.ChannelBankApp,
            Demo.InstitutionSzSkillsSchool, Demo.InstitutionGzTechCollege, "sign-national-app", "sign-bank-app"];
        Assert.Superset(all.ToHashSet(), ministry);
        Assert.Equal([Demo.AdminGuangdong, Demo.AdminShenzhen, Demo.InstitutionGzTechCollege, Demo.InstitutionSzSkillsSchool],
            all.Where(guangdong.Contains).Order(StringComparer.Ordinal));
        Assert.Equal([Demo.AdminShenzhen, Demo.InstitutionSzSkillsSchool], all.Where(shenzhen.Contains).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ListFiltersSelectByRoleScopeKindAndActivityAndABadFilterIsNamed()
    {
        var revoked = await Guangdong.IssueInstitutionKeyAsync(Demo.GzTechCollege);
        await Guangdong.RevokeKeyAsync(revoked.KeyId);

        var signing = await Ministry.ListKeysAsync("role=channel&kind=signingKey");
        var inactive = await Guangdong.ListKeysAsync("active=false");
        var active = await Guangdong.ListKeysAsync($"active=true&scope={Demo.GzTechCollege}");

        Assert.Contains(signing, k => k.KeyId == "sign-national-app");
        Assert.All(signing, k => Assert.Equal((PrincipalRole.Channel, CredentialKind.SigningKey), (k.Role, k.Kind)));
        Assert.Contains(inactive, k => k.KeyId == revoked.KeyId);
        Assert.All(inactive, k => Assert.False(k.Active));
        Assert.DoesNotContain(active, k => k.KeyId == revoked.KeyId);
        Assert.Contains(active, k => k.KeyId == Demo.InstitutionGzTechCollege);
        Assert.All(active, k => Assert.Equal(Demo.GzTechCollege, k.Scope));

        foreach (var (query, field) in new[] { ("role=root", "role"), ("kind=password", "kind"), ("active=yes", "active"), ("scope=%3Cscript%3E", "scope") })
        {
            await VoucherApi.ValidationProblemAsync(await Guangdong.GetAsync($"{AdminApi.Keys}?{query}"), field);
        }
    }

    [Fact]
    public async Task ARevokedKeyIsRefusedAtOnceByTheGatewayThatRevokedItAndRevokingAgainChangesNothing()
    {
        var issued = await Guangdong.IssueInstitutionKeyAsync(Demo.SzSkillsSchool);
        var scanner = gateway.ClientWithKey(issued.ApiKey!);
        Assert.Equal(HttpStatusCode.OK, await scanner.ProbeAsync(institution: true));

        var revoked = await Guangdong.RevokeKeyAsync(issued.KeyId);
        var again = await Guangdong.RevokeKeyAsync(issued.KeyId);

        Assert.Equal(HttpStatusCode.Unauthorized, await scanner.ProbeAsync(institution: true));
        Assert.Equal((Demo.AdminGuangdong, false), (revoked.RevokedBy, revoked.Active));
        Assert.NotNull(revoked.RevokedAt);
        Assert.Equal(revoked, again);
    }

    [Fact]
    public async Task AnAdminCannotSeeOrTouchKeysOutsideItsRegionWhichAnswerAsIfAbsent()
    {
        var guangzhou = await Guangdong.IssueInstitutionKeyAsync(Demo.GzTechCollege);

        foreach (var keyId in new[] { Demo.AdminGuangdong, Demo.AdminMinistry, guangzhou.KeyId, Demo.ChannelNationalApp, "k-nobody-here", "NOT_A_KEY" })
        {
            var revoke = await VoucherApi.ProblemAsync(await Shenzhen.PostRevokeAsync(keyId), HttpStatusCode.NotFound);
            await VoucherApi.ProblemAsync(await Shenzhen.PostRotateAsync(keyId), HttpStatusCode.NotFound);
            Assert.Equal("urn:vouchers:problem:not-found", revoke.GetProperty("type").GetString());
        }

        Assert.Equal(HttpStatusCode.OK, await gateway.ClientWithKey(guangzhou.ApiKey!).ProbeAsync(institution: true));
        Assert.Equal(HttpStatusCode.OK, await Guangdong.ProbeAsync(institution: false));
        Assert.DoesNotContain(await Ministry.ListKeysAsync("active=false"), k => k.KeyId == guangzhou.KeyId);
    }

    [Fact]
    public async Task AnAdminActsOnItsOwnKeyAndPeerKeysItIssuedButNotOnAPeerKeyIssuedAbove()
    {
        var peerFromAbove = await Ministry.IssueKeyAsync(new ApiKeyRequest("admin", "44", "Guangdong second desk"));
        var peerOwnIssue = await Guangdong.IssueKeyAsync(new ApiKeyRequest("admin", "44", "Guangdong colleague"));
        var city = await Guangdong.IssueKeyAsync(new ApiKeyRequest("admin", "4403", "Shenzhen desk"));

        var refused = await VoucherApi.ProblemAsync(await Guangdong.PostRevokeAsync(peerFromAbove.KeyId), HttpStatusCode.Forbidden);
        Assert.Equal("urn:vouchers:problem:forbidden", refused.GetProperty("type").GetString());
        await VoucherApi.ProblemAsync(await Guangdong.PostRotateAsync(peerFromAbove.KeyId), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, await gateway.ClientWithKey(peerFromAbove.ApiKey!).ProbeAsync(institution: false));
        // The ministry, or the key itself, may.
        var self = gateway.ClientWithKey(peerFromAbove.ApiKey!);
        Assert.Equal(peerFromAbove.KeyId, (await self.RevokeKeyAsync(peerFromAbove.KeyId)).KeyId);
        Assert.Equal(HttpStatusCode.Unauthorized, await self.ProbeAsync(institution: false));

        Assert.Equal(Demo.AdminGuangdong, (await Guangdong.RevokeKeyAsync(peerOwnIssue.KeyId)).RevokedBy);
        // A city admin may not touch the province's keys, but the province acts on the city's.
        await VoucherApi.ProblemAsync(await gateway.ClientWithKey(city.ApiKey!).PostRevokeAsync(Demo.AdminGuangdong), HttpStatusCode.NotFound);
        Assert.Equal(Demo.AdminGuangdong, (await Guangdong.RevokeKeyAsync(city.KeyId)).RevokedBy);
        Assert.Equal(HttpStatusCode.OK, await Guangdong.ProbeAsync(institution: false));
    }

    [Fact]
    public async Task RotationGivesANewKeyOfTheSameScopeTheOldOneWorksDuringItsGraceOrStopsAtOnceIfAsked()
    {
        var old = await Guangdong.IssueInstitutionKeyAsync(Demo.SzSkillsSchool);
        var before = DateTimeOffset.UtcNow;

        var rotated = await Guangdong.RotateKeyAsync(old.KeyId);

        Assert.Equal((Demo.SzSkillsSchool, "institution", Demo.AdminGuangdong), (rotated.Issued.Scope, rotated.Issued.Role, rotated.Issued.IssuedBy));
        Assert.Equal((rotated.Issued.KeyId, true), (rotated.Previous.ReplacedBy, rotated.Previous.Active));
        Assert.InRange(rotated.Previous.ExpiresAt!.Value, before.AddHours(24).AddSeconds(-1), DateTimeOffset.UtcNow.AddHours(24).AddSeconds(1));
        Assert.Equal(HttpStatusCode.OK, await gateway.ClientWithKey(old.ApiKey!).ProbeAsync(institution: true));
        Assert.Equal(HttpStatusCode.OK, await gateway.ClientWithKey(rotated.Issued.ApiKey!).ProbeAsync(institution: true));

        // Rotated already: a retry mints no second key.
        var twice = await VoucherApi.ProblemAsync(await Guangdong.PostRotateAsync(old.KeyId), HttpStatusCode.Conflict);
        Assert.Contains(rotated.Issued.KeyId, twice.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Single(await Guangdong.ListKeysAsync($"scope={Demo.SzSkillsSchool}"), k => k.IssuedBy == Demo.AdminGuangdong && k.KeyId != old.KeyId && k.ReplacedBy is null && k.IssuedAt >= before);

        var immediate = await Guangdong.RotateKeyAsync(rotated.Issued.KeyId, new RotateKeyRequest(GraceHours: 0));
        Assert.False(immediate.Previous.Active);
        Assert.Equal(HttpStatusCode.Unauthorized, await gateway.ClientWithKey(rotated.Issued.ApiKey!).ProbeAsync(institution: true));
        Assert.Equal(HttpStatusCode.OK, await gateway.ClientWithKey(immediate.Issued.ApiKey!).ProbeAsync(institution: true));

        var revoked = await Guangdong.IssueInstitutionKeyAsync(Demo.SzSkillsSchool);
        await Guangdong.RevokeKeyAsync(revoked.KeyId);
        await VoucherApi.ProblemAsync(await Guangdong.PostRotateAsync(revoked.KeyId), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task TheMinistryIssuesSigningKeysAChannelHoldsTwoActiveAtMostAndTheSecretIsShownOnce()
    {
        var channel = $"app-{Guid.NewGuid():N}"[..20];
        Assert.Equal(HttpStatusCode.Created, (await Ministry.PostJsonAsync("/api/v1/admin/channels", new ChannelRequest(channel, "Test app"))).StatusCode);
        var signingKeys = gateway.Services.GetRequiredService<SigningKeys>();

        var first = await Ministry.IssueKeyAsync(new ApiKeyRequest("channel", channel, "signing 1", "signingKey"));
        var second = await Ministry.IssueKeyAsync(new ApiKeyRequest("channel", channel, "signing 2", "signingKey"));
        var third = await Ministry.PostJsonAsync(AdminApi.Keys, new ApiKeyRequest("channel", channel, "signing 3", "signingKey"));

        Assert.Equal((CredentialKind.SigningKey, null, signingKeys.SecretFor(first.KeyId)), (first.Kind, first.ApiKey, first.SigningSecret));
        var conflict = await VoucherApi.ProblemAsync(third, HttpStatusCode.Conflict);
        Assert.Contains("revoke", conflict.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(2, (await Ministry.ListKeysAsync($"scope={channel}&kind=signingKey&active=true")).Length);
        // A signing key's secret is not an API key.
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.ClientWithKey($"{first.KeyId}.{first.SigningSecret}").GetAsync("/api/v1/channel/batches")).StatusCode);

        await Ministry.RevokeKeyAsync(first.KeyId);
        var replacement = await Ministry.IssueKeyAsync(new ApiKeyRequest("channel", channel, "signing 3", "signingKey"));
        Assert.Equal(signingKeys.SecretFor(replacement.KeyId), replacement.SigningSecret);
        Assert.NotEqual(second.SigningSecret, replacement.SigningSecret);

        await VoucherApi.ProblemAsync(await Guangdong.PostJsonAsync(AdminApi.Keys, new ApiKeyRequest("channel", channel, "x", "signingKey")), HttpStatusCode.Forbidden);
        await VoucherApi.ValidationProblemAsync(
            await Ministry.PostJsonAsync(AdminApi.Keys, new ApiKeyRequest("institution", Demo.SzSkillsSchool, "x", "signingKey")), "kind");
    }

    [Fact]
    public async Task BadInputIsRefusedNamingTheFieldAndIssuesNothing()
    {
        var countBefore = (await Guangdong.ListKeysAsync()).Length;
        var now = DateTimeOffset.UtcNow;

        await VoucherApi.ValidationProblemAsync(await Guangdong.PostJsonAsync(AdminApi.Keys,
            new ApiKeyRequest("institution", Demo.SzSkillsSchool, "x", ExpiresAt: now.AddMinutes(-5))), "expiresAt");
        await VoucherApi.ValidationProblemAsync(await Guangdong.PostJsonAsync(AdminApi.Keys,
            new ApiKeyRequest("institution", Demo.SzSkillsSchool, "x", ExpiresAt: now.AddDays(400))), "expiresAt");
        await VoucherApi.ValidationProblemAsync(await Guangdong.PostJsonAsync(AdminApi.Keys,
            new ApiKeyRequest("institution", Demo.SzSkillsSchool, "x", "password")), "kind");
        await VoucherApi.ValidationProblemAsync(await Guangdong.PostRawAsync(AdminApi.Keys,
            """{"role":"institution","scope":"sz-skills-school","displayName":"x","expiresAt":"tomorrow"}"""), "expiresAt");
        await VoucherApi.ValidationProblemAsync(await Guangdong.PostRotateAsync(Demo.InstitutionSzSkillsSchool, new RotateKeyRequest(GraceHours: 500)), "graceHours");
        await VoucherApi.ValidationProblemAsync(await Guangdong.PostRotateAsync(Demo.InstitutionSzSkillsSchool, new RotateKeyRequest(GraceHours: -1)), "graceHours");
        await VoucherApi.ValidationProblemAsync(await Guangdong.PostRotateAsync(Demo.InstitutionSzSkillsSchool,
            new RotateKeyRequest(ExpiresAt: now.AddDays(-1))), "expiresAt");

        Assert.Equal(countBefore, (await Guangdong.ListKeysAsync()).Length);
        Assert.Null(Assert.Single(await Guangdong.ListKeysAsync($"scope={Demo.SzSkillsSchool}"), k => k.KeyId == Demo.InstitutionSzSkillsSchool).ReplacedBy);
    }
}
