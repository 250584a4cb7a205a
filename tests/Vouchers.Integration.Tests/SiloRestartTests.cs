using Vouchers.Contracts;
using Vouchers.Integration.Tests.Infrastructure;
using Vouchers.Testing.Gateway;

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
        using var api = new DemoClients(gateway);
        var (trainee, holder, returner) = (TestPerson.Number(1), TestPerson.Number(2), TestPerson.Number(3));

        // The whole lifecycle of one voucher: claim, verify, use (enrol), subsidy application, approval, disbursement.
        var redeemed = await api.Channel.ClaimAsync(trainee, Demo.BatchId);
        Assert.Equal(VoucherStatus.Claimed, redeemed.Status);
        Assert.Equal(VerifyVerdict.Valid, (await api.Institution.VerifyAsync(redeemed.Code)).Verdict);
        Assert.Equal(Demo.SzSkillsSchool, (await api.Institution.UseAsync(redeemed.Code)).InstitutionId);
        var application = await api.Institution.ApplyForSubsidyAsync(Demo.BatchId, redeemed.Code);
        Assert.Equal(SubsidyLineStatus.Pending, Assert.Single(application.Lines).Status);
        Assert.Equal(SubsidyLineStatus.Approved, Assert.Single((await api.Admin.ApproveAsync(application.Id, redeemed.Code)).Lines).Status);
        var disbursed = await api.Admin.DisburseAsync(application.Id);
        Assert.Equal(SubsidyApplicationStatus.Disbursed, disbursed.Status);
        Assert.Equal(SubsidyLineStatus.Redeemed, Assert.Single(disbursed.Lines).Status);
        Assert.Equal(VerifyVerdict.Redeemed, (await api.Institution.VerifyAsync(redeemed.Code)).Verdict);

        // A second voucher stays unused; a third is claimed and returned.
        var unused = await api.Channel.ClaimAsync(holder, Demo.BatchId);
        var returned = await api.Channel.ClaimAsync(returner, Demo.BatchId);
        Assert.Equal(VoucherStatus.Returned, (await api.Channel.ReturnAsync(returner, returned.Code)).Status);

        var before = (await api.Admin.GetBatchAsync(Demo.BatchId)).Counters;
        Assert.Equal(new BatchCounters(Quantity: 1000, Claimed: 2, Used: 1, Redeemed: 1, Returned: 1, Expired: 0, Remaining: 998,
            FundsCommitted: 3000m, FundsDisbursed: 1500m), before);

        // State lives in PostgreSQL: every claim is a row of the claim store (the returned one marked so), and a
        // voucher gets a grain-state row of its own once it was used; the batch and the application have theirs.
        var claims = await cluster.Database.ListAsync(
            "SELECT code, returned_at IS NOT NULL FROM vouchers_claims WHERE batch_id = @batch ORDER BY code",
            r => (r.GetString(0), r.GetBoolean(1)), ("batch", Demo.BatchId));
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

        Assert.Equal(VerifyVerdict.Redeemed, (await api.Institution.VerifyAsync(redeemed.Code)).Verdict);
        var stillValid = await api.Institution.VerifyAsync(unused.Code);
        Assert.True(stillValid.Valid, $"The unused voucher verified as {stillValid.Verdict}.");
        Assert.Equal(VerifyVerdict.Returned, (await api.Institution.VerifyAsync(returned.Code)).Verdict);

        Assert.Equal([(redeemed.Code, VoucherStatus.Redeemed)], (await api.Channel.WalletAsync(trainee)).Vouchers.Select(v => (v.Code, v.Status)));
        Assert.Equal([(unused.Code, VoucherStatus.Claimed)], (await api.Channel.WalletAsync(holder)).Vouchers.Select(v => (v.Code, v.Status)));
        Assert.Equal([(returned.Code, VoucherStatus.Returned)], (await api.Channel.WalletAsync(returner)).Vouchers.Select(v => (v.Code, v.Status)));
        Assert.Equal(before, (await api.Admin.GetBatchAsync(Demo.BatchId)).Counters);

        // The old silo's generation was declared dead by its successor; exactly one silo is Active.
        var membership = await cluster.MembershipAsync();
        Assert.Single(membership, r => r.Status == VoucherCluster.ActiveStatus);
    });
}
