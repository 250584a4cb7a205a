using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vouchers.Contracts;
using Vouchers.Http.Persons;
using Vouchers.Testing;
using Vouchers.Testing.Gateway;
using Xunit.Abstractions;

namespace Vouchers.Gateway.Tests;

/// <summary>
/// How long a key revoked elsewhere keeps working at a gateway that has it cached: at most the cache's lifetime
/// (<see cref="VoucherSecurityOptions.PrincipalCacheDuration"/>, 5 s). Measured at the worst moment: the key was read
/// into the cache just before it was revoked, through the key directory directly, as another gateway would.
/// </summary>
public sealed class RevocationBoundTests(GatewayFactory gateway, ITestOutputHelper output) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task AKeyRevokedThroughAnotherGatewayIsRefusedHereWithinTheDocumentedBound()
    {
        var bound = gateway.Services.GetRequiredService<IOptions<VoucherSecurityOptions>>().Value.PrincipalCacheDuration;
        var issued = await gateway.ClientFor(Demo.AdminGuangdong).IssueInstitutionKeyAsync(Demo.SzSkillsSchool);
        var scanner = gateway.ClientWithKey(issued.ApiKey!);
        Assert.Equal(HttpStatusCode.OK, await scanner.ProbeAsync(institution: true)); // now in this gateway's cache

        var directory = gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IKeyDirectoryGrain>(KeyDirectory.Key);
        Assert.Equal(KeyCommandStatus.Done, (await directory.RevokeAsync(issued.KeyId, "admin-elsewhere")).Status);
        var clock = Stopwatch.StartNew();
        var admitted = 0;
        await Poll.UntilAsync(async () =>
        {
            var status = await scanner.ProbeAsync(institution: true);
            admitted += status == HttpStatusCode.OK ? 1 : 0;
            return status == HttpStatusCode.Unauthorized;
        }, TimeSpan.FromSeconds(30), () => "the revoked key to be refused", TimeSpan.FromMilliseconds(20));
        var refusedAfter = clock.Elapsed;

        output.WriteLine($"revoked key refused {refusedAfter.TotalMilliseconds:0} ms after the revocation ({admitted} requests let in meanwhile); bound {bound.TotalSeconds:0} s");
        // The bound is the cache's lifetime; the slack is one probe's round trip on a busy box (a gateway test class runs
        // beside the others).
        Assert.True(refusedAfter <= bound + TimeSpan.FromSeconds(1), $"refused after {refusedAfter}, bound {bound}");
        Assert.Equal(HttpStatusCode.Unauthorized, await scanner.ProbeAsync(institution: true));
    }
}
