using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Grains.Tests.Infrastructure;

namespace Vouchers.Grains.Tests.Cluster;

/// <summary>
/// The key directory: issue, revoke and rotate keep the principal (what authentication reads) and the directory's line
/// in step, and a channel never holds more than two active signing keys. These tests move the clock (expiries), so
/// they run in the cluster of the expiry tests; each uses channels and keys of its own.
/// </summary>
[Collection(ExpiryCluster.Name)]
public sealed class KeyDirectoryTests(ClusterFixture fixture)
{
    private IKeyDirectoryGrain Directory => fixture.Client.GetGrain<IKeyDirectoryGrain>(KeyDirectory.Key);

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    [Fact]
    public async Task AnIssuedKeyIsStampedListedAndReadableByAuthenticationWithoutItsHashInTheDirectory()
    {
        var key = ApiKey(PrincipalRole.Institution, "some-school", expiresAt: Now.AddDays(30));

        var result = await Directory.IssueAsync(key, "440304");

        Assert.Equal(KeyCommandStatus.Done, result.Status);
        var stored = await Principal(key.KeyId);
        Assert.Equal(key with { IssuedAt = Now }, stored);
        Assert.Equal(KeyEntry.Of(stored!, "440304"), result.Key);
        Assert.Equal(result.Key, await Directory.GetAsync(key.KeyId));
        Assert.Contains(result.Key, await Directory.ListAsync());
        Assert.Equal(KeyCommandStatus.AlreadyExists, (await Directory.IssueAsync(key, "440304")).Status);
    }

    [Fact]
    public async Task AChannelHoldsAtMostTwoActiveSigningKeysUntilOneIsRevokedOrExpires()
    {
        var channel = NewId("channel");
        var first = SigningKey(channel);
        var second = SigningKey(channel, expiresAt: Now.AddHours(2));
        Assert.Equal(KeyCommandStatus.Done, (await Directory.IssueAsync(first, "")).Status);
        Assert.Equal(KeyCommandStatus.Done, (await Directory.IssueAsync(second, "")).Status);
        Assert.Equal(KeyCommandStatus.Done, (await Directory.IssueAsync(SigningKey(NewId("channel")), "")).Status); // another channel's count

        var third = SigningKey(channel);
        Assert.Equal(KeyCommandStatus.TooManySigningKeys, (await Directory.IssueAsync(third, "")).Status);
        Assert.Null(await Principal(third.KeyId));
        Assert.Equal(KeyCommandStatus.Done, (await Directory.IssueAsync(ApiKey(PrincipalRole.Channel, channel), "")).Status); // API keys do not count

        Assert.Equal(KeyCommandStatus.Done, (await Directory.RevokeAsync(first.KeyId, "k-admin")).Status);
        Assert.Equal(KeyCommandStatus.Done, (await Directory.IssueAsync(third, "")).Status);
        Assert.Equal(KeyCommandStatus.TooManySigningKeys, (await Directory.IssueAsync(SigningKey(channel), "")).Status);

        fixture.Time.Advance(TimeSpan.FromHours(2)); // the second expires
        Assert.Equal(KeyCommandStatus.Done, (await Directory.IssueAsync(SigningKey(channel), "")).Status);
    }

    [Fact]
    public async Task RevokingRecordsWhoAndWhenOnceAndARepeatChangesNothing()
    {
        var key = ApiKey(PrincipalRole.Admin, "4403");
        await Directory.IssueAsync(key, "4403");
        var revokedAt = Now;

        var first = await Directory.RevokeAsync(key.KeyId, "k-revoker");
        fixture.Time.Advance(TimeSpan.FromMinutes(5));
        var again = await Directory.RevokeAsync(key.KeyId, "k-someone-else");

        Assert.Equal((KeyCommandStatus.Done, revokedAt, "k-revoker"), (first.Status, first.Key!.RevokedAt, first.Key.RevokedBy));
        Assert.Equal(first.Key, again.Key);
        var stored = await Principal(key.KeyId);
        Assert.Equal((revokedAt, "k-revoker"), (stored!.RevokedAt, stored.RevokedBy));
        Assert.False(stored.IsActiveAt(Now));
        Assert.Equal(KeyCommandStatus.NotFound, (await Directory.RevokeAsync(NewId("k"), "k-revoker")).Status);
    }

    [Fact]
    public async Task RotatingIssuesASuccessorAndGivesTheOldKeyAGraceThenItStops()
    {
        var old = ApiKey(PrincipalRole.Institution, "some-school");
        await Directory.IssueAsync(old, "440304");
        var successor = ApiKey(PrincipalRole.Institution, "some-school");
        var rotatedAt = Now;

        var result = await Directory.RotateAsync(old.KeyId, successor, TimeSpan.FromHours(24));

        Assert.Equal(KeyCommandStatus.Done, result.Status);
        Assert.Equal((successor.KeyId, rotatedAt.AddHours(24)), (result.Key!.ReplacedBy, result.Key.ExpiresAt));
        Assert.Equal(successor with { IssuedAt = rotatedAt }, await Principal(successor.KeyId));
        Assert.Equal("440304", result.Replacement!.RegionCode);
        var retired = await Principal(old.KeyId);
        Assert.True(retired!.IsActiveAt(Now.AddHours(23)));
        Assert.False(retired.IsActiveAt(Now.AddHours(24)));

        // A retried rotation mints no second key.
        var again = await Directory.RotateAsync(old.KeyId, ApiKey(PrincipalRole.Institution, "some-school"), TimeSpan.Zero);
        Assert.Equal((KeyCommandStatus.AlreadyExists, successor.KeyId), (again.Status, again.Replacement?.KeyId));
        Assert.Equal(rotatedAt.AddHours(24), (await Principal(old.KeyId))!.ExpiresAt);
    }

    [Fact]
    public async Task ARotationNeverExtendsAnExpiryAndARevokedKeyCannotBeRotated()
    {
        var soon = ApiKey(PrincipalRole.Institution, "some-school", expiresAt: Now.AddHours(1));
        await Directory.IssueAsync(soon, "440304");
        var rotated = await Directory.RotateAsync(soon.KeyId, ApiKey(PrincipalRole.Institution, "some-school"), TimeSpan.FromHours(24));
        Assert.Equal(soon.ExpiresAt, rotated.Key!.ExpiresAt);

        var revoked = ApiKey(PrincipalRole.Institution, "some-school");
        await Directory.IssueAsync(revoked, "440304");
        await Directory.RevokeAsync(revoked.KeyId, "k-admin");
        var successor = ApiKey(PrincipalRole.Institution, "some-school");
        Assert.Equal(KeyCommandStatus.NotActive, (await Directory.RotateAsync(revoked.KeyId, successor, TimeSpan.Zero)).Status);
        Assert.Null(await Principal(successor.KeyId));
    }

    [Fact]
    public async Task ASigningKeyRotatesWithGraceOnlyWhileTheChannelHoldsOneActiveKeyButAtOnceAlways()
    {
        var channel = NewId("channel");
        var first = SigningKey(channel);
        await Directory.IssueAsync(first, "");
        var second = SigningKey(channel);
        Assert.Equal(KeyCommandStatus.Done, (await Directory.RotateAsync(first.KeyId, second, TimeSpan.FromHours(24))).Status);

        // Two active now (the first in its grace): a third may only come if the second stops at once.
        Assert.Equal(KeyCommandStatus.TooManySigningKeys, (await Directory.RotateAsync(second.KeyId, SigningKey(channel), TimeSpan.FromHours(1))).Status);
        var third = SigningKey(channel);
        Assert.Equal(KeyCommandStatus.Done, (await Directory.RotateAsync(second.KeyId, third, TimeSpan.Zero)).Status);
        Assert.False((await Principal(second.KeyId))!.IsActiveAt(Now));
        Assert.True((await Principal(third.KeyId))!.IsActiveAt(Now));
    }

    [Fact]
    public async Task AnExpiryInThePastOrTooFarAheadIsRefusedAndNothingIsWritten()
    {
        var past = ApiKey(PrincipalRole.Admin, "44", expiresAt: Now.AddSeconds(-1));
        var far = ApiKey(PrincipalRole.Admin, "44", expiresAt: Now + KeyRules.MaxLifetime + TimeSpan.FromDays(1));

        var refusedPast = await Directory.IssueAsync(past, "44");
        var refusedFar = await Directory.IssueAsync(far, "44");

        Assert.Equal((KeyCommandStatus.Invalid, "expiresAt"), (refusedPast.Status, refusedPast.Field));
        Assert.Equal((KeyCommandStatus.Invalid, "expiresAt"), (refusedFar.Status, refusedFar.Field));
        Assert.Null(await Principal(past.KeyId));
        Assert.Null(await Directory.GetAsync(far.KeyId));
    }

    [Fact]
    public async Task SeedingIsIdempotentAndKeepsARevocation()
    {
        var demo = ApiKey(PrincipalRole.Admin, "44") with { IssuedBy = "demo", IssuedAt = Now };
        await Directory.SeedAsync(demo, "44");
        await Directory.RevokeAsync(demo.KeyId, "k-admin");

        await Directory.SeedAsync(demo, "44");

        Assert.NotNull((await Directory.GetAsync(demo.KeyId))!.RevokedAt);
        Assert.NotNull((await Principal(demo.KeyId))!.RevokedAt);
    }

    private Task<Principal?> Principal(string keyId) => fixture.Client.GetGrain<IRegistryGrain<Principal>>(keyId).GetAsync();

    private static Principal ApiKey(PrincipalRole role, string scope, DateTimeOffset? expiresAt = null) =>
        new(NewId("k"), role, scope, "a key", new string('a', 64)) { IssuedBy = "k-issuer", ExpiresAt = expiresAt };

    private static Principal SigningKey(string channel, DateTimeOffset? expiresAt = null) =>
        new(NewId("sk"), PrincipalRole.Channel, channel, "signing", "") { Kind = CredentialKind.SigningKey, IssuedBy = "k-ministry", ExpiresAt = expiresAt };

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];
}
