using System.Diagnostics;
using System.Net;
using Vouchers.Http.Persons;
using Vouchers.Integration.Tests.Infrastructure;
using Vouchers.Testing;
using Vouchers.Testing.Gateway;
using Vouchers.Testing.Postgres;
using Xunit.Abstractions;

namespace Vouchers.Integration.Tests;

/// <summary>
/// Two gateways of one cluster on PostgreSQL (each co-hosting a silo): a key revoked through one is refused by the
/// other within the documented bound (<see cref="VoucherSecurityOptions.PrincipalCacheDuration"/>, 5 s), and the
/// revocation's audit record is a committed row of <c>vouchers_audit_records</c> when the revocation is answered.
/// </summary>
public sealed class KeyRevocationAcrossGatewaysTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly List<ClusterGatewayFactory> gateways = [];
    private readonly List<int> ports = [];
    private readonly string clusterId = "revoke-" + Guid.NewGuid().ToString("N")[..12];
    private TestDatabase database = null!;

    public async Task InitializeAsync() => database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        for (var i = gateways.Count - 1; i >= 0; i--)
        {
            await gateways[i].DisposeAsync();
        }

        await database.DisposeAsync();
    }

    [Fact]
    public async Task AKeyRevokedThroughOneGatewayIsRefusedByTheOtherWithinTheBoundAndTheRevocationIsAudited()
    {
        var one = await StartGatewayAsync();
        var two = await StartGatewayAsync();
        var bound = new VoucherSecurityOptions().PrincipalCacheDuration;
        var issued = await one.ClientFor(Demo.AdminGuangdong).IssueInstitutionKeyAsync(Demo.SzSkillsSchool);
        var throughOne = one.ClientWithKey(issued.ApiKey!);
        var throughTwo = two.ClientWithKey(issued.ApiKey!);
        Assert.Equal(HttpStatusCode.OK, await throughOne.ProbeAsync(institution: true));
        Assert.Equal(HttpStatusCode.OK, await throughTwo.ProbeAsync(institution: true)); // cached by the second gateway now

        await one.ClientFor(Demo.AdminGuangdong).RevokeKeyAsync(issued.KeyId);
        var clock = Stopwatch.StartNew();

        Assert.Equal(1L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM vouchers_audit_records WHERE action = 'key.revoke' AND target_id = @key AND actor_key_id = @actor AND region_code = '440304'",
            ("key", issued.KeyId), ("actor", Demo.AdminGuangdong)));
        Assert.Equal(HttpStatusCode.Unauthorized, await throughOne.ProbeAsync(institution: true));
        await Poll.UntilAsync(async () => await throughTwo.ProbeAsync(institution: true) == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(30), () => "the other gateway to refuse the revoked key", TimeSpan.FromMilliseconds(20));
        var refusedAfter = clock.Elapsed;

        output.WriteLine($"the other gateway refused the revoked key {refusedAfter.TotalMilliseconds:0} ms after the revocation was answered (bound {bound.TotalSeconds:0} s)");
        Assert.True(refusedAfter <= bound + TimeSpan.FromMilliseconds(250), $"refused after {refusedAfter}, bound {bound}");
        Assert.Equal(HttpStatusCode.Unauthorized, await throughTwo.ProbeAsync(institution: true));
    }

    private async Task<ClusterGatewayFactory> StartGatewayAsync()
    {
        var gateway = ClusterGatewayFactory.CoHosting(database.ConnectionString, clusterId, ports);
        gateways.Add(gateway);
        await gateway.WaitUntilReadyAsync(ReadyTimeout);
        return gateway;
    }
}
