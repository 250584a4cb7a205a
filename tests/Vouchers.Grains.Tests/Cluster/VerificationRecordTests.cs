using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Grains.Tests.Infrastructure;
using Vouchers.Testing;

namespace Vouchers.Grains.Tests.Cluster;

/// <summary>Uses land in the institution's records (a successful one before it is answered); online uses go through the holder's ledger.</summary>
[Collection(GrainCluster.Name)]
public sealed class VerificationRecordTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private IGrainFactory Grains => fixture.Client;

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    [Fact]
    public async Task AUseIsInTheInstitutionsRecordsWhenItIsAnsweredWithItsClerkDeviceModeCourseAndClass()
    {
        var code = await ClaimAsync();
        var use = new VoucherUse(TestData.InstitutionA, UseMode.Offline, "k-front-desk", "gun-3", "electrician-101", "class-a");

        var used = await Grains.GetGrain<IVoucherGrain>(code).UseAsync(use);

        Assert.Equal(VoucherCommandStatus.Done, used.Status);
        Assert.Equal(("electrician-101", "class-a", UseMode.Offline), (used.Voucher!.CourseId, used.Voucher.ClassId, used.Voucher.UseMode));
        var record = Assert.Single(await RecordsOfAsync(code)); // no polling: it was stored before the answer
        Assert.Equal(new VerificationRecord(record.Id, TestData.InstitutionA, Now, RecordKind.Use, Masking.MaskCode(code), VerifyVerdict.Valid,
            "k-front-desk", "gun-3", UseMode.Offline, "electrician-101", "class-a"), record);
        Assert.Equal(code[..4] + "…" + code[^4..], record.MaskedCode);
        var view = await Grains.VoucherAsync(code);
        Assert.Equal(("electrician-101", "class-a", UseMode.Offline), (view.CourseId, view.ClassId, view.UseMode));
    }

    [Fact]
    public async Task ARetriedUseIsRecordedAgainWithTheUseAsItWasMade()
    {
        var code = await ClaimAsync();
        var voucher = Grains.GetGrain<IVoucherGrain>(code);
        await voucher.UseAsync(new VoucherUse(TestData.InstitutionA, UseMode.Offline, "k-1", null, "course-1", "class-1"));

        var retried = await voucher.UseAsync(new VoucherUse(TestData.InstitutionA, UseMode.Offline, "k-2", null, "course-2", null));

        Assert.Equal(VoucherCommandStatus.Done, retried.Status);
        Assert.Equal(("course-1", "class-1"), (retried.Voucher!.CourseId, retried.Voucher.ClassId));
        var records = await RecordsOfAsync(code);
        Assert.Equal([("k-2", "course-1", "class-1"), ("k-1", "course-1", "class-1")], records.Select(r => (r.Clerk, r.CourseId, r.ClassId)));
    }

    [Fact]
    public async Task ARefusedUseIsRecordedWithItsVerdict()
    {
        var code = await ClaimAsync();
        var voucher = Grains.GetGrain<IVoucherGrain>(code);
        await voucher.UseAsync(new VoucherUse(TestData.InstitutionA, UseMode.Offline, "k-a"));

        var refused = await voucher.UseAsync(new VoucherUse(TestData.InstitutionB, UseMode.Offline, "k-b", "gun-9"));

        Assert.Equal((VoucherCommandStatus.Rejected, VerifyVerdict.AlreadyUsed), (refused.Status, refused.Verdict));
        var record = await Poll.UntilFoundAsync(async () => (await RecordsOfAsync(code, TestData.InstitutionB)).SingleOrDefault(), Patience, () => "the record");
        Assert.Equal((RecordKind.Use, VerifyVerdict.AlreadyUsed, "k-b", "gun-9"), (record.Kind, record.Result, record.Clerk, record.DeviceId));
        Assert.Equal((VoucherStatus.Used, TestData.InstitutionA), ((await Grains.VoucherAsync(code)).Status, (await Grains.VoucherAsync(code)).InstitutionId));
    }

    [Fact]
    public async Task AnOnlineUseThroughTheHoldersLedgerBindsTheVoucherWithModeOnlineAndTheChannelAsClerk()
    {
        var person = TestData.NewPersonKey();
        var code = await ClaimAsync(person);

        var used = await Grains.GetGrain<IPersonLedgerGrain>(person)
            .UseAsync(code, TestData.ChannelA, new VoucherUse(TestData.InstitutionB, UseMode.Online, TestData.ChannelA, null, "welding-online"));

        Assert.Equal(VoucherCommandStatus.Done, used.Status);
        Assert.Equal((VoucherStatus.Used, TestData.InstitutionB, UseMode.Online, "welding-online"),
            (used.Voucher!.Status, used.Voucher.InstitutionId, used.Voucher.UseMode, used.Voucher.CourseId));
        var record = Assert.Single(await RecordsOfAsync(code, TestData.InstitutionB));
        Assert.Equal((UseMode.Online, TestData.ChannelA, VerifyVerdict.Valid), (record.Mode, record.Clerk, record.Result));
    }

    [Fact]
    public async Task AnOnlineUseThroughAnotherPersonsLedgerIsNotFoundChangesNothingAndRecordsNothing()
    {
        var holder = TestData.NewPersonKey();
        var code = await ClaimAsync(holder);
        var online = new VoucherUse(TestData.InstitutionA, UseMode.Online, TestData.ChannelA);

        var stranger = await Grains.GetGrain<IPersonLedgerGrain>(TestData.NewPersonKey()).UseAsync(code, TestData.ChannelA, online);
        var unknown = await Grains.GetGrain<IPersonLedgerGrain>(holder).UseAsync(VoucherCode.New(), TestData.ChannelA, online);

        Assert.Equal(VoucherCommandStatus.NotFound, stranger.Status);
        Assert.Null(stranger.Voucher);
        Assert.Equal(VoucherCommandStatus.NotFound, unknown.Status);
        Assert.Equal(VoucherStatus.Claimed, (await Grains.VoucherAsync(code)).Status);
        // The holder's own use is stored before it is answered, and the voucher's records go through one queue in
        // order, so a record of the stranger's attempt would be there by now.
        Assert.Equal(VoucherCommandStatus.Done, (await Grains.GetGrain<IPersonLedgerGrain>(holder).UseAsync(code, TestData.ChannelA, online)).Status);
        Assert.Single(await RecordsOfAsync(code));
    }

    [Fact]
    public async Task TheRecordsGrainQueuesRecordsWithoutWaitingAndAnswersQueriesNewestFirst()
    {
        var institution = $"inst-{Guid.NewGuid():N}";
        var records = Grains.GetGrain<IVerificationRecordsGrain>(0);
        VerificationRecord Verify(int second, VerifyVerdict verdict) =>
            new(0, institution, Now.AddSeconds(second), RecordKind.Verify, "ABCD…WXYZ", verdict, "k-clerk");

        await records.AppendAsync([Verify(0, VerifyVerdict.Valid), Verify(1, VerifyVerdict.Unknown), Verify(2, VerifyVerdict.Expired)]);

        var page = await Poll.UntilAsync(() => records.QueryAsync(institution, new RecordQuery()), found => found.Records.Length == 3,
            Patience, found => $"three records (found {found.Records.Length})");
        Assert.Equal([VerifyVerdict.Expired, VerifyVerdict.Unknown, VerifyVerdict.Valid], page.Records.Select(r => r.Result));
        var valid = await records.QueryAsync(institution, new RecordQuery(Result: VerifyVerdict.Valid));
        Assert.Equal(Now, Assert.Single(valid.Records).OccurredAt);
    }

    private async Task<string> ClaimAsync(string? person = null)
    {
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(Now));
        return await Grains.ClaimCodeAsync(TestData.Claim(batchId, person ?? TestData.NewPersonKey()));
    }

    /// <summary>The records of one voucher at an institution, newest first (masked codes of two vouchers practically never meet).</summary>
    private async Task<List<VerificationRecord>> RecordsOfAsync(string code, string institution = TestData.InstitutionA)
    {
        var masked = Masking.MaskCode(code);
        var page = await fixture.Records.QueryAsync(institution, new RecordQuery(From: Now.AddMinutes(-1), Limit: RecordQuery.MaxLimit));
        return [.. page.Records.Where(r => r.MaskedCode == masked)];
    }
}
