using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vouchers.Http.Contracts;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>
/// The zero-setup gateway on a fake clock: the gateway and the grains read <see cref="Time"/>, while Orleans' own
/// background work (messaging, membership, timers of the runtime) keeps the real clock.
/// </summary>
public sealed class FakeClockGatewayFactory : GatewayFactory
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.AddKeyedSingleton<TimeProvider>(KeyedService.AnyKey, TimeProvider.System);
            services.AddKeyedSingleton<TimeProvider>(Orleans.Runtime.TimeProviderNames.Grains, (sp, _) => sp.GetRequiredService<TimeProvider>());
        });
    }
}

/// <summary>A key with an expiry works until then and not a moment after; a rotated key works through its grace and then stops.</summary>
public sealed class KeyExpiryTests(FakeClockGatewayFactory gateway) : IClassFixture<FakeClockGatewayFactory>
{
    private HttpClient Guangdong => gateway.ClientFor(Demo.AdminGuangdong);

    [Fact]
    public async Task AKeyWorksUntilItsExpiryAndIsRefusedFromThen()
    {
        var issued = await Guangdong.IssueInstitutionKeyAsync(Demo.SzSkillsSchool, gateway.Time.GetUtcNow().AddHours(1));
        var scanner = gateway.ClientWithKey(issued.ApiKey!);
        Assert.Equal(HttpStatusCode.OK, await scanner.ProbeAsync(institution: true));

        gateway.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.OK, await scanner.ProbeAsync(institution: true));

        gateway.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await scanner.ProbeAsync(institution: true));
        Assert.False(Assert.Single(await Guangdong.ListKeysAsync("active=false"), k => k.KeyId == issued.KeyId).Active);
    }

    [Fact]
    public async Task DuringARotationsGraceBothKeysWorkAndAfterItOnlyTheNewOne()
    {
        var old = await Guangdong.IssueInstitutionKeyAsync(Demo.SzSkillsSchool);
        var rotated = await Guangdong.RotateKeyAsync(old.KeyId, new RotateKeyRequest(GraceHours: 2));
        var (before, after) = (gateway.ClientWithKey(old.ApiKey!), gateway.ClientWithKey(rotated.Issued.ApiKey!));

        gateway.Time.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, await before.ProbeAsync(institution: true));
        Assert.Equal(HttpStatusCode.OK, await after.ProbeAsync(institution: true));

        gateway.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await before.ProbeAsync(institution: true));
        Assert.Equal(HttpStatusCode.OK, await after.ProbeAsync(institution: true));
    }
}
