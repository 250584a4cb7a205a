using Vouchers.Integration.Tests.Infrastructure;

namespace Vouchers.Integration.Tests;

/// <summary>
/// Cluster mode end to end: the silo is a separate process on PostgreSQL clustering and storage, the gateway
/// an in-process Orleans client. Killing the silo loses nothing that was acknowledged over HTTP.
/// </summary>
public sealed class SiloRestartTests : IAsyncLifetime
{
    private VoucherCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await VoucherCluster.StartAsync();

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public Task VouchersKeepTheirLifecycleStateWhenTheSiloProcessIsKilledAndRestarted() => cluster.RunAsync(async () =>
    {
        var gateway = cluster.CreateGateway();
        await cluster.WaitUntilReadyAsync(gateway);
        using var api = new VoucherApi(gateway);
        var (trainee, holder, returner) = (Person.Number(1), Person.Number(2), Person.Number(3));

        // The whole lifecycle of one voucher: claim, verify, use (enrol), subsidy application, approval, disbursement.
        var redeemed = await api.ClaimAsync(trainee);
        Assert.Equal("claimed", redeemed.Status);
        Assert.Equal("valid", (await api.VerifyAsync(redeemed.Code)).Verdict);
        Assert.Equal(VoucherApi.InstitutionId, (await api.UseAsync(redeemed.Code)).InstitutionId);
        var application = await api.ApplyForSubsidyAsync(redeemed.Code);
        Assert.Equal("pending", Assert.Single(application.Lines).Status);
        Assert.Equal("approved", Assert.Single((await api.ApproveAsync(application.Id, redeemed.Code)).Lines).Status);
        var disbursed = await api.DisburseAsync(application.Id);
        Assert.Equal("disbursed", disbursed.Status);
        Assert.Equal("redeemed", Assert.Single(disbursed.Lines).Status);
        Assert.Equal("redeemed", (await api.VerifyAsync(redeemed.Code)).Verdict);

        // A second voucher stays unused; a third is claimed and returned.
        var unused = await api.ClaimAsync(holder);
        var returned = await api.ClaimAsync(returner);
        Assert.Equal("returned", (await api.ReturnAsync(returner, returned.Code)).Status);

        var before = (await api.BatchAsync()).Counters;
        Assert.Equal(new CountersDto(Quantity: 1000, Claimed: 2, Used: 1, Redeemed: 1, Returned: 1, Expired: 0, Remaining: 998,
            FundsCommitted: 3000m, FundsDisbursed: 1500m), before);

        // State lives in PostgreSQL: every claim is a row of the claim store (the returned one marked so), and a
        // voucher gets a grain-state row of its own once it was used; the batch and the application have theirs.
        var claims = await cluster.Database.ListAsync(
            "SELECT code, returned_at IS NOT NULL FROM vouchers_claims WHERE batch_id = @batch ORDER BY code",
            r => (r.GetString(0), r.GetBoolean(1)), ("batch", VoucherApi.BatchId));
        Assert.Equal(new[] { (redeemed.Code, false), (unused.Code, false), (returned.Code, true) }.Order(), claims);
        Assert.Equal(1L, await cluster.Database.ScalarAsync<long>(
            "SELECT count(*) FROM orleans_grain_state WHERE service_id = @service AND grain_id_extension LIKE '%' || @code",
            ("service", cluster.Settings.ServiceId), ("code", redeemed.Code)));
        var stateRows = await cluster.Database.ScalarAsync<long>(
            "SELECT count(*) FROM orleans_grain_state WHERE service_id = @service AND payload IS NOT NULL", ("service", cluster.Settings.ServiceId));
        Assert.True(stateRows >= 3, $"Expected rows for the used voucher, the batch and the application; found {stateRows}.");

        cluster.KillSilo();
        await cluster.StartSiloAsync();

        // The same gateway (same Orleans client) must find the new silo through the membership table by itself.
        await cluster.WaitUntilReadyAsync(gateway);

        Assert.Equal("redeemed", (await api.VerifyAsync(redeemed.Code)).Verdict);
        var stillValid = await api.VerifyAsync(unused.Code);
        Assert.True(stillValid.Valid, $"The unused voucher verified as {stillValid.Verdict}.");
        Assert.Equal("returned", (await api.VerifyAsync(returned.Code)).Verdict);

        Assert.Equal([(redeemed.Code, "redeemed")], (await api.WalletAsync(trainee)).Vouchers.Select(v => (v.Code, v.Status)));
        Assert.Equal([(unused.Code, "claimed")], (await api.WalletAsync(holder)).Vouchers.Select(v => (v.Code, v.Status)));
        Assert.Equal([(returned.Code, "returned")], (await api.WalletAsync(returner)).Vouchers.Select(v => (v.Code, v.Status)));
        Assert.Equal(before, (await api.BatchAsync()).Counters);

        // The old silo's generation was declared dead by its successor; exactly one silo is Active.
        var membership = await cluster.MembershipAsync();
        Assert.Single(membership, r => r.Status == VoucherCluster.ActiveStatus);
    });
}
