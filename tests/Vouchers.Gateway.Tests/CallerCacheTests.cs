using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Vouchers.Contracts;
using Vouchers.Gateway.Security;
using Vouchers.Http.Persons;

namespace Vouchers.Gateway.Tests;

/// <summary>The gateway's cache of API keys: secrets checked against the stored hash, entries that expire, a bound on guessed ids.</summary>
public sealed class CallerCacheTests
{
    private static readonly Principal Clerk = new("inst-a", PrincipalRole.Institution, "inst-a-school", "A school", ApiKeys.HashSecret("s3cret"));
    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-06-01T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly Dictionary<string, Principal> registry = new() { [Clerk.KeyId] = Clerk };
    private int loads;

    private CallerCache NewCache() => new(
        keyId =>
        {
            Interlocked.Increment(ref loads);
            return Task.FromResult(registry.GetValueOrDefault(keyId));
        },
        Options.Create(new VoucherSecurityOptions { PrincipalCacheDuration = TimeSpan.FromSeconds(60) }),
        time);

    [Theory]
    [InlineData("inst-a.s3cret", "inst-a", "s3cret")]
    [InlineData("inst-a.s3cret.with.dots", "inst-a", "s3cret.with.dots")]
    public void AKeySplitsAtItsFirstDot(string key, string keyId, string secret)
    {
        Assert.True(ApiKeys.TrySplit(key, out var id, out var s));
        Assert.Equal(keyId, key[id]);
        Assert.Equal(secret, key[s]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-dot")]
    [InlineData(".secret")]
    [InlineData("inst-a.")]
    [InlineData("INST-A.secret")]
    [InlineData("a.secret")]
    public void AKeyNotShapedLikeOneDoesNotSplit(string? key) => Assert.False(ApiKeys.TrySplit(key, out _, out _));

    [Fact]
    public void AKeyLongerThanTheLimitDoesNotSplit() =>
        Assert.False(ApiKeys.TrySplit("inst-a." + new string('x', ApiKeys.MaxLength), out _, out _));

    [Fact]
    public void OnlyTheSecretMatchesItsStoredHash()
    {
        var stored = ApiKeys.HashBytes(Clerk.SecretHash);

        Assert.True(ApiKeys.SecretMatches("s3cret", stored));
        Assert.False(ApiKeys.SecretMatches("s3cret ", stored));
        Assert.False(ApiKeys.SecretMatches("S3CRET", stored));
        Assert.False(ApiKeys.SecretMatches("", stored));
        Assert.False(ApiKeys.SecretMatches("密钥" + new string('x', ApiKeys.MaxLength), stored));
        Assert.False(ApiKeys.SecretMatches("s3cret", ApiKeys.HashBytes("not hex")));
        Assert.False(ApiKeys.SecretMatches("s3cret", ApiKeys.HashBytes("abcd")));
    }

    [Fact]
    public void ASecretOfNonAsciiCharactersIsHashedAsUtf8()
    {
        var secret = "密钥-" + new string('é', 60);
        Assert.True(ApiKeys.SecretMatches(secret, ApiKeys.HashBytes(ApiKeys.HashSecret(secret))));
    }

    [Fact]
    public async Task AKeyIsReadOnceAndAnsweredFromTheCacheUntilItExpires()
    {
        var cache = NewCache();
        Assert.False(cache.TryGet("inst-a", out _));

        var loaded = await cache.LoadAsync("inst-a");
        Assert.True(loaded.Admits("s3cret"));
        Assert.False(loaded.Admits("wrong"));

        Assert.True(cache.TryGet("inst-a.s3cret".AsSpan(0, 6), out var cached));
        Assert.Same(loaded, cached);
        Assert.Equal("inst-a-school", cached.User.FindFirstValue(CallerClaims.Scope));
        Assert.Equal("inst-a", cached.User.FindFirstValue(ClaimTypes.NameIdentifier));
        Assert.True(cached.User.IsInRole(nameof(PrincipalRole.Institution)));
        Assert.Equal(ApiKeyAuthenticationHandler.SchemeName, cached.User.Identity?.AuthenticationType);

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.True(cache.TryGet("inst-a", out _));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet("inst-a", out _));
        Assert.Equal(1, loads);
    }

    [Fact]
    public async Task AnUnknownKeyIdIsRememberedAsUnknownAndAdmitsNoSecret()
    {
        var cache = NewCache();

        var unknown = await cache.LoadAsync("inst-nobody");

        Assert.Null(unknown.Principal);
        Assert.False(unknown.Admits(""));
        Assert.False(unknown.Admits("s3cret"));
        Assert.False(unknown.User.Identity?.IsAuthenticated ?? false);
        Assert.True(cache.TryGet("inst-nobody", out var cached));
        Assert.Null(cached.Principal);
    }

    [Fact]
    public async Task GuessedKeyIdsStopBeingRememberedAtTheBoundButRealKeysStillAre()
    {
        var cache = NewCache();
        for (var i = 0; i < CallerCache.MaxEntries + 10; i++)
        {
            await cache.LoadAsync($"guess-{i}");
        }

        Assert.Equal(CallerCache.MaxEntries, cache.Count);

        await cache.LoadAsync("inst-a");
        Assert.True(cache.TryGet("inst-a", out var clerk));
        Assert.True(clerk.Admits("s3cret"));

        // Once the guesses expire, the next load sweeps them out.
        time.Advance(TimeSpan.FromMinutes(2));
        await cache.LoadAsync("guess-again");
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task ARevokedKeyIsRefusedAsSoonAsItIsReadAgain()
    {
        var cache = NewCache();
        Assert.True((await cache.LoadAsync("inst-a")).Admits("s3cret"));

        registry[Clerk.KeyId] = Clerk with { RevokedAt = time.GetUtcNow(), RevokedBy = "admin-x" };
        cache.Forget("inst-a");

        Assert.False(cache.TryGet("inst-a", out _));
        Assert.False((await cache.LoadAsync("inst-a")).Admits("s3cret"));
    }

    [Fact]
    public async Task AKeyPastItsExpiryIsRefusedWithoutBeingReadAgain()
    {
        registry[Clerk.KeyId] = Clerk with { ExpiresAt = time.GetUtcNow().AddSeconds(2) };
        var cache = NewCache();
        var caller = await cache.LoadAsync("inst-a");
        Assert.True(caller.Admits("s3cret"));

        time.Advance(TimeSpan.FromSeconds(2));

        Assert.True(cache.TryGet("inst-a", out var cached));
        Assert.False(cached.Admits("s3cret"));
        Assert.Equal(1, loads);
    }

    [Fact]
    public async Task ASigningKeyIsNeverAdmittedAsAnApiKey()
    {
        // Even a signing principal that (wrongly) carried a hash: signing keys authenticate by signature only.
        registry["sign-a"] = new Principal("sign-a", PrincipalRole.Channel, "some-app", "signing", ApiKeys.HashSecret("s3cret")) { Kind = CredentialKind.SigningKey };
        var cache = NewCache();

        Assert.False((await cache.LoadAsync("sign-a")).Admits("s3cret"));
    }

    [Fact]
    public void ByDefaultAKeyIsCachedForFiveSecondsTheBoundOfARevocationThroughAnotherGateway() =>
        Assert.Equal(TimeSpan.FromSeconds(5), new VoucherSecurityOptions().PrincipalCacheDuration);

    [Fact]
    public async Task RequestsMissingTheCacheWhileAKeyIsReadShareThatOneRead()
    {
        var registryAnswer = new TaskCompletionSource<Principal?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var cache = new CallerCache(
            _ =>
            {
                Interlocked.Increment(ref loads);
                return registryAnswer.Task;
            },
            Options.Create(new VoucherSecurityOptions()),
            time);

        var first = cache.LoadAsync("inst-a");
        var second = cache.LoadAsync("inst-a");
        registryAnswer.SetResult(Clerk);

        Assert.Same(await first, await second);
        Assert.Equal(1, loads);
        Assert.True(cache.TryGet("inst-a", out _));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(cache.TryGet("inst-a", out _));
        await cache.LoadAsync("inst-a");
        Assert.Equal(2, loads);
    }

    [Fact]
    public async Task AKeyForgottenWhileItIsReadIsNotCachedFromThatRead()
    {
        var registryAnswer = new TaskCompletionSource<Principal?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var cache = new CallerCache(_ => registryAnswer.Task, Options.Create(new VoucherSecurityOptions()), time);

        var reading = cache.LoadAsync("inst-a");
        cache.Forget("inst-a"); // revoked here meanwhile
        registryAnswer.SetResult(Clerk);
        await reading;

        Assert.False(cache.TryGet("inst-a", out _));
    }
}
