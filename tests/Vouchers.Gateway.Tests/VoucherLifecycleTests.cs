using System.Net;
using System.Net.Http.Json;
using Vouchers.Contracts;
using Vouchers.Http.Contracts;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>A voucher's whole life over HTTP, each actor with its own demo key.</summary>
public sealed class VoucherLifecycleTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private readonly HttpClient admin = gateway.ClientFor(Demo.AdminGuangdong);
    private readonly HttpClient channel = gateway.ClientFor(Demo.ChannelNationalApp);
    private readonly HttpClient institution = gateway.ClientFor(Demo.InstitutionSzSkillsSchool);

    [Fact]
    public async Task VoucherGoesFromClaimToUseToSubsidyToRedemptionAndTheBatchCountsEachStep()
    {
        const decimal amount = 1234.5m;
        var person = TestPerson.New();

        // The admin defines a batch naming demo institutions and channels, and activates it.
        var created = await admin.PostJsonAsync("/api/v1/admin/batches", VoucherApi.NewBatch(quantity: 5, subsidyAmount: amount));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var draft = await VoucherApi.ReadAsync<BatchSnapshot>(created);
        Assert.Equal(BatchStatus.Draft, draft.Status);
        Assert.Equal($"/api/v1/admin/batches/{draft.Id}", created.Headers.Location?.OriginalString);
        var activated = await admin.PostAsync($"/api/v1/admin/batches/{draft.Id}/activate", null);
        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        var batchId = draft.Id;

        // The channel offers it.
        var offered = await channel.GetFromJsonAsync<ClaimableBatch[]>("/api/v1/channel/batches", VoucherApi.Json);
        Assert.Contains(offered!, b => b.Id == batchId);

        // Claim: the voucher comes back with the holder masked; neither the ID number nor the name leaks.
        var requestId = VoucherApi.NewRequestId();
        var claimed = await channel.PostJsonAsync("/api/v1/channel/claims", VoucherApi.Claim(person, batchId, requestId));
        var claimedBody = await claimed.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, claimed.StatusCode);
        Assert.DoesNotContain(person.IdNumber, claimedBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(person.Name, claimedBody, StringComparison.Ordinal);
        var voucher = await VoucherApi.ReadAsync<VoucherView>(claimed);
        Assert.Equal(VoucherStatus.Claimed, voucher.Status);
        Assert.Equal(batchId, voucher.BatchId);
        Assert.Equal(amount, voucher.SubsidyAmount);
        Assert.Equal(Demo.NationalApp, voucher.ChannelId);
        Assert.Equal(person.IdNumber[..4] + "**********" + person.IdNumber[14..], voucher.HolderIdNumber);
        Assert.Equal(person.Name[..1] + "**", voucher.HolderName);
        Assert.False(claimed.Headers.Contains("Idempotent-Replayed"));

        // The same request again is a replay of the first answer.
        var replayed = await channel.PostJsonAsync("/api/v1/channel/claims", VoucherApi.Claim(person, batchId, requestId));
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Equal("true", Assert.Single(replayed.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(voucher.Code, (await VoucherApi.ReadAsync<VoucherView>(replayed)).Code);

        // A new request for the same person and batch is refused and names the voucher held.
        var second = await channel.PostJsonAsync("/api/v1/channel/claims", VoucherApi.Claim(person, batchId));
        var conflict = await VoucherApi.ProblemAsync(second, HttpStatusCode.Conflict);
        Assert.Equal("urn:vouchers:problem:already-claimed", conflict.GetProperty("type").GetString());
        Assert.Equal(voucher.Code, conflict.GetProperty("voucherCode").GetString());

        // The wallet lists it (the ID number travels in the body and comes back masked).
        var wallet = await channel.PostJsonAsync("/api/v1/channel/wallet", VoucherApi.Wallet(person));
        Assert.Equal(HttpStatusCode.OK, wallet.StatusCode);
        var walletBody = await wallet.Content.ReadAsStringAsync();
        Assert.DoesNotContain(person.IdNumber, walletBody, StringComparison.OrdinalIgnoreCase);
        var held = Assert.Single((await VoucherApi.ReadAsync<WalletResponse>(wallet)).Vouchers);
        Assert.Equal(voucher.Code, held.Code);

        // The QR code is a PNG.
        var qr = await channel.PostQrAsync(person, voucher.Code);
        Assert.Equal(HttpStatusCode.OK, qr.StatusCode);
        Assert.Equal("image/png", qr.Content.Headers.ContentType?.MediaType);
        var png = await qr.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);

        // The institution verifies, enrols the holder, and the code no longer verifies as valid.
        var before = await institution.VerifyAsync(voucher.Code);
        Assert.True(before.Valid);
        Assert.Equal(VerifyVerdict.Valid, before.Verdict);
        Assert.Equal(voucher.HolderIdNumber, before.Voucher?.HolderIdNumber);
        Assert.Equal(voucher.HolderName, before.Voucher?.HolderName);
        var used = await institution.PostAsync($"/api/v1/institution/vouchers/{voucher.Code}/use", null);
        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        var usedVoucher = await VoucherApi.ReadAsync<VoucherView>(used);
        Assert.Equal(VoucherStatus.Used, usedVoucher.Status);
        Assert.Equal(Demo.SzSkillsSchool, usedVoucher.InstitutionId);
        var after = await institution.VerifyAsync(voucher.Code);
        Assert.False(after.Valid);
        Assert.Equal(VerifyVerdict.AlreadyUsed, after.Verdict);

        // The institution applies for the subsidy; the admin approves and disburses.
        var applied = await institution.PostJsonAsync("/api/v1/institution/subsidy-applications", new SubsidyApplicationRequest(batchId, [voucher.Code]));
        Assert.Equal(HttpStatusCode.Created, applied.StatusCode);
        var application = await VoucherApi.ReadAsync<SubsidyApplicationView>(applied);
        Assert.Equal($"/api/v1/institution/subsidy-applications/{application.Id}", applied.Headers.Location?.OriginalString);
        var line = Assert.Single(application.Lines);
        Assert.Equal(SubsidyLineStatus.Pending, line.Status);
        Assert.Equal(amount, line.Amount);

        var reviewed = await admin.PostJsonAsync($"/api/v1/admin/subsidy-applications/{application.Id}/review",
            new ReviewRequest([new ReviewDecision(voucher.Code, true, "Attendance records complete.")]));
        Assert.Equal(HttpStatusCode.OK, reviewed.StatusCode);
        Assert.Equal(SubsidyLineStatus.Approved, Assert.Single((await VoucherApi.ReadAsync<SubsidyApplicationView>(reviewed)).Lines).Status);

        var disbursed = await admin.PostAsync($"/api/v1/admin/subsidy-applications/{application.Id}/disburse", null);
        Assert.Equal(HttpStatusCode.OK, disbursed.StatusCode);
        var paid = await VoucherApi.ReadAsync<SubsidyApplicationView>(disbursed);
        Assert.Equal(SubsidyApplicationStatus.Disbursed, paid.Status);
        Assert.Equal(SubsidyLineStatus.Redeemed, Assert.Single(paid.Lines).Status);

        // Redeemed: the code never verifies again, and the batch counted every step.
        var redeemed = await institution.VerifyAsync(voucher.Code);
        Assert.False(redeemed.Valid);
        Assert.Equal(VerifyVerdict.Redeemed, redeemed.Verdict);

        var counters = (await admin.GetBatchAsync(batchId)).Counters;
        Assert.Equal(5, counters.Quantity);
        Assert.Equal(1, counters.Claimed);
        Assert.Equal(1, counters.Used);
        Assert.Equal(1, counters.Redeemed);
        Assert.Equal(0, counters.Returned);
        Assert.Equal(4, counters.Remaining);
        Assert.Equal(amount, counters.FundsDisbursed);

        var ownView = await institution.GetFromJsonAsync<SubsidyApplicationView>($"/api/v1/institution/subsidy-applications/{application.Id}", VoucherApi.Json);
        Assert.Equal(SubsidyApplicationStatus.Disbursed, ownView!.Status);
    }

    [Fact]
    public async Task ReturningAnUnusedVoucherGivesItsStockBackAndTheCodeVerifiesAsReturned()
    {
        var person = TestPerson.New();
        var batch = await admin.CreateActiveBatchAsync(VoucherApi.NewBatch(quantity: 3));
        var voucher = await channel.ClaimAsync(person, batch.Id);
        var whileHeld = (await admin.GetBatchAsync(batch.Id)).Counters;
        Assert.Equal(1, whileHeld.Claimed);
        Assert.Equal(2, whileHeld.Remaining);

        var returned = await channel.PostJsonAsync($"/api/v1/channel/vouchers/{voucher.Code}/return",
            new ReturnRequest(person.IdNumber, VoucherApi.FreshAttestation()));

        Assert.Equal(HttpStatusCode.OK, returned.StatusCode);
        Assert.DoesNotContain(person.IdNumber, await returned.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(VoucherStatus.Returned, (await VoucherApi.ReadAsync<VoucherView>(returned)).Status);
        var afterReturn = (await admin.GetBatchAsync(batch.Id)).Counters;
        Assert.Equal(0, afterReturn.Claimed);
        Assert.Equal(1, afterReturn.Returned);
        Assert.Equal(3, afterReturn.Remaining);
        var verdict = await institution.VerifyAsync(voucher.Code);
        Assert.False(verdict.Valid);
        Assert.Equal(VerifyVerdict.Returned, verdict.Verdict);
        var wallet = await VoucherApi.ReadAsync<WalletResponse>(await channel.PostJsonAsync("/api/v1/channel/wallet", VoucherApi.Wallet(person)));
        Assert.Equal(VoucherStatus.Returned, Assert.Single(wallet.Vouchers, v => v.Code == voucher.Code).Status);
    }

    [Fact]
    public async Task ReturningAUsedVoucherIsRefusedAndLeavesTheStockAlone()
    {
        var person = TestPerson.New();
        var batch = await admin.CreateActiveBatchAsync(VoucherApi.NewBatch(quantity: 3));
        var voucher = await channel.ClaimAsync(person, batch.Id);
        Assert.Equal(HttpStatusCode.OK, (await institution.PostAsync($"/api/v1/institution/vouchers/{voucher.Code}/use", null)).StatusCode);

        var returned = await channel.PostJsonAsync($"/api/v1/channel/vouchers/{voucher.Code}/return",
            new ReturnRequest(person.IdNumber, VoucherApi.FreshAttestation()));

        var problem = await VoucherApi.ProblemAsync(returned, HttpStatusCode.Conflict);
        Assert.Equal("urn:vouchers:problem:voucher-rejected", problem.GetProperty("type").GetString());
        var counters = (await admin.GetBatchAsync(batch.Id)).Counters;
        Assert.Equal(0, counters.Returned);
        Assert.Equal(1, counters.Used);
        Assert.Equal(2, counters.Remaining);
    }

    [Fact]
    public async Task SecondPersonOnASoldOutBatchGetsSoldOutNotAlreadyClaimed()
    {
        var batch = await admin.CreateActiveBatchAsync(VoucherApi.NewBatch(quantity: 1));
        var first = await channel.ClaimAsync(TestPerson.New(), batch.Id);
        var latecomer = TestPerson.New();

        var response = await channel.PostJsonAsync("/api/v1/channel/claims", VoucherApi.Claim(latecomer, batch.Id));

        var problem = await VoucherApi.ProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("urn:vouchers:problem:sold-out", problem.GetProperty("type").GetString());
        Assert.False(problem.TryGetProperty("voucherCode", out _));
        var counters = (await admin.GetBatchAsync(batch.Id)).Counters;
        Assert.Equal(1, counters.Claimed);
        Assert.Equal(0, counters.Remaining);
        var wallet = await VoucherApi.ReadAsync<WalletResponse>(await channel.PostJsonAsync("/api/v1/channel/wallet", VoucherApi.Wallet(latecomer)));
        Assert.Empty(wallet.Vouchers);
        Assert.Equal(VerifyVerdict.Valid, (await institution.VerifyAsync(first.Code)).Verdict);
    }

    [Fact]
    public async Task ClaimThroughAChannelTheBatchDoesNotOfferIsForbiddenAndTakesNoStock()
    {
        var batch = await admin.CreateActiveBatchAsync(VoucherApi.NewBatch(quantity: 2));
        var bank = gateway.ClientFor(Demo.ChannelBankApp);

        var listed = await bank.GetFromJsonAsync<ClaimableBatch[]>("/api/v1/channel/batches", VoucherApi.Json);
        var response = await bank.PostJsonAsync("/api/v1/channel/claims", VoucherApi.Claim(TestPerson.New(), batch.Id));

        Assert.DoesNotContain(listed!, b => b.Id == batch.Id);
        var problem = await VoucherApi.ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("urn:vouchers:problem:channel-not-enabled", problem.GetProperty("type").GetString());
        Assert.Equal(2, (await admin.GetBatchAsync(batch.Id)).Counters.Remaining);
    }
}
