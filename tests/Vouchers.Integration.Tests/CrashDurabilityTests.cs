using System.Net;
using Vouchers.Contracts;
using Vouchers.Integration.Tests.Infrastructure;
using Vouchers.Testing.Gateway;

namespace Vouchers.Integration.Tests;

/// <summary>A claim the gateway acknowledged with 200 is durable: it survives a kill -9 of the silo.</summary>
public sealed class CrashDurabilityTests : IAsyncLifetime
{
    private const int Claims = 50;

    private VoucherCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await VoucherCluster.StartAsync();

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public Task EveryAcknowledgedClaimVerifiesValidAfterTheSiloIsKilledAndRestarted() => cluster.RunAsync(async () =>
    {
        var gateway = cluster.CreateGateway();
        await cluster.WaitUntilReadyAsync(gateway);
        using var api = new DemoClients(gateway);
        var people = Enumerable.Range(1, Claims).Select(TestPerson.Number).ToArray();

        var responses = await Task.WhenAll(people.Select(p => api.Channel.PostClaimAsync(p, Demo.BatchId, "burst-" + p.IdNumber)));
        var acknowledged = new List<(TestPerson Person, string Code)>();
        foreach (var (person, response) in people.Zip(responses))
        {
            if (response.StatusCode == HttpStatusCode.OK)
            {
                acknowledged.Add((person, (await VoucherApi.ReadAsync<VoucherView>(response, HttpStatusCode.OK)).Code));
            }
            else
            {
                response.Dispose();
            }
        }

        // Nothing failed yet, so every claim of the burst must have been acknowledged.
        Assert.Equal(Claims, acknowledged.Count);
        Assert.Equal(Claims, acknowledged.Select(a => a.Code).Distinct().Count());

        cluster.KillSilo();
        await cluster.StartSiloAsync();
        // Same gateway, same Orleans client: it reconnects through the membership table, no new factory needed.
        await cluster.WaitUntilReadyAsync(gateway);

        var verdicts = await Task.WhenAll(acknowledged.Select(a => api.Institution.VerifyAsync(a.Code)));
        var notValid = verdicts.Where(v => !v.Valid).Select(v => $"{v.Code}: {v.Verdict}").ToList();
        Assert.True(notValid.Count == 0, $"Acknowledged claims lost by the crash: {string.Join(", ", notValid)}");
        Assert.Equal(acknowledged.Count, (await api.Admin.GetBatchAsync(Demo.BatchId)).Counters.Claimed);
        var wallets = await Task.WhenAll(acknowledged.Select(a => api.Channel.WalletAsync(a.Person)));
        Assert.Equal(acknowledged.Select(a => a.Code), wallets.Select(w => Assert.Single(w.Vouchers).Code));
    });
}
